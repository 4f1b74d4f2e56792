package io.fleetmq.broker.auth;

import com.nimbusds.jose.jwk.JWKSet;
import io.fleetmq.broker.config.AuthConfig;
import io.fleetmq.broker.files.FileFormatException;
import io.fleetmq.broker.files.WatchedFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * A node's authentication and authorization: the chain (certificate, password file, JWT, anonymous), the ACL, the
 * failed-login limiter and the audit log. Built once at start from {@code auth.*}; its files reload on change.
 * <p>
 * Password hashing (PBKDF2, tens of milliseconds of CPU each) and JWT checks (a signature check, well under a
 * millisecond) never run on an I/O event loop, and never on the same pool: a flood of password logins fills the
 * {@code fleetmq-auth-hash} threads (one per available processor, so a reconnect storm uses every core), while
 * token and certificate logins are answered by the {@code fleetmq-auth-token} threads meanwhile. Each pool's queue
 * is bounded; a login that finds it full is answered at once with Server busy (v5 0x89 / v3 3) rather than after a
 * wait no client would sit through.
 */
public final class Security implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Security.class);
    /** Audit trail of refused logins: client id, address, reason; never a password or token. */
    private static final Logger AUDIT = LoggerFactory.getLogger("io.fleetmq.audit");
    /**
     * Logins that may wait per hashing thread: at ~50 ms a hash, 256 is about 13 s of work, within the time a
     * device waits for CONNACK; beyond that, answering Server busy at once is kinder than answering too late.
     */
    private static final int QUEUE_PER_THREAD = 256;
    private static final long BUSY_WARN_INTERVAL_NANOS = 10_000_000_000L;

    private final AuthenticationChain chain;
    private final boolean slowChain;
    private final boolean passwordFile;
    private final boolean jwt;
    private final WatchedFile<AclRules> acl;
    private final List<WatchedFile<?>> watched;
    private final FailedLoginLimiter limiter;
    private final int failedLoginsPerMinute;
    private final ThreadPoolExecutor hashingPool;
    private final ThreadPoolExecutor tokenPool;
    private final AtomicLong nextBusyWarnNanos = new AtomicLong(System.nanoTime());
    private volatile ScheduledFuture<?> reloadTask;

    private Security(AuthenticationChain chain, boolean passwordFile, boolean jwt, WatchedFile<AclRules> acl,
                     List<WatchedFile<?>> watched, FailedLoginLimiter limiter, int failedLoginsPerMinute) {
        this.chain = chain;
        this.passwordFile = passwordFile;
        this.jwt = jwt;
        this.slowChain = passwordFile || jwt;
        this.acl = acl;
        this.watched = watched;
        this.limiter = limiter;
        this.failedLoginsPerMinute = failedLoginsPerMinute;
        int threads = Runtime.getRuntime().availableProcessors();
        this.hashingPool = passwordFile ? pool("fleetmq-auth-hash", threads) : null;
        this.tokenPool = slowChain ? pool("fleetmq-auth-token", threads) : null;
    }

    private static ThreadPoolExecutor pool(String name, int threads) {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor p = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(threads * QUEUE_PER_THREAD), r -> {
                    Thread t = new Thread(r, name + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        p.allowCoreThreadTimeOut(true); // an idle node keeps no auth threads
        return p;
    }

    /**
     * Reads every configured file.
     *
     * @throws FileFormatException naming the file, line and problem, when one cannot be used
     */
    public static Security create(AuthConfig auth, LongSupplier nanoClock) throws FileFormatException {
        Set<String> admins = Set.copyOf(auth.adminUsers());
        List<Authenticator> links = new ArrayList<>();
        List<WatchedFile<?>> watched = new ArrayList<>();
        if (auth.certificateIdentity() != AuthConfig.CertificateIdentity.NONE) {
            links.add(new CertificateAuthenticator(auth.certificateMustMatchClientId(), admins));
        }
        boolean passwords = !auth.passwordFile().isEmpty();
        boolean tokens = !auth.jwksFile().isEmpty();
        if (passwords) {
            Path p = Path.of(auth.passwordFile());
            WatchedFile<PasswordFile> f = WatchedFile.load("password file " + p, List.of(p),
                    () -> PasswordFile.read(p));
            watched.add(f);
            links.add(new PasswordFileAuthenticator(f, admins, tokens));
        }
        if (tokens) {
            Path p = Path.of(auth.jwksFile());
            WatchedFile<JWKSet> f = WatchedFile.load("JWKS file " + p, List.of(p),
                    () -> JwtAuthenticator.readJwks(p));
            watched.add(f);
            links.add(new JwtAuthenticator(f, auth.jwtAudience(), auth.jwtPermissionsClaim(), admins));
        }
        WatchedFile<AclRules> acl = null;
        if (!auth.aclFile().isEmpty()) {
            Path p = Path.of(auth.aclFile());
            acl = WatchedFile.load("ACL file " + p, List.of(p), () -> AclFile.read(p));
            watched.add(acl);
        }
        return new Security(new AuthenticationChain(links, auth.allowAnonymous()), passwords, tokens, acl, watched,
                new FailedLoginLimiter(auth.failedLoginsPerMinute(), nanoClock), auth.failedLoginsPerMinute());
    }

    /** Checks the files every {@code intervalMillis} on {@code scheduler}. */
    public void scheduleReloads(ScheduledExecutorService scheduler, long intervalMillis) {
        if (!watched.isEmpty()) {
            reloadTask = scheduler.scheduleWithFixedDelay(this::checkFiles, intervalMillis, intervalMillis,
                    TimeUnit.MILLISECONDS);
        }
    }

    /** Re-reads any file that changed; a bad new version is logged and the previous one kept. */
    public void checkFiles() {
        for (WatchedFile<?> f : watched) {
            f.checkForChange();
        }
    }

    /**
     * Runs the chain and hands the answer to {@code done} on {@code callbackExecutor} (the connection's event loop).
     * An address over its failed-login budget is refused without running the chain.
     */
    public void authenticate(Credentials c, Executor callbackExecutor, Consumer<AuthResult> done) {
        if (limiter.blocked(c.remoteAddress())) {
            // Not audited one by one (a flood would flood the log too); the block itself was logged once.
            AUDIT.debug("login refused unchecked: client={} addr={} (address blocked)", c.clientId(),
                    c.remoteAddress());
            done.accept(new AuthResult.Refused(AuthResult.Refusal.NOT_AUTHORIZED,
                    "too many failed logins from this address"));
            return;
        }
        if (!slowChain) {
            done.accept(record(c, chain.authenticate(c)));
            return;
        }
        ThreadPoolExecutor pool = needsHashing(c) ? hashingPool : tokenPool;
        try {
            pool.execute(() -> {
                AuthResult r = record(c, chain.authenticate(c));
                callbackExecutor.execute(() -> done.accept(r));
            });
        } catch (RejectedExecutionException e) {
            // More logins waiting than the pool can hash in time: answer now rather than too late. Not a failed
            // login (nothing was checked), so the address's budget is untouched.
            warnBusy(pool);
            done.accept(new AuthResult.Refused(AuthResult.Refusal.SERVER_BUSY,
                    "authentication queue full (" + pool.getQueue().size() + " waiting)"));
        }
    }

    /**
     * Whether the chain will hash a password for {@code c}: a password-file node, a username and a password, and not
     * a JWT-shaped password that the JWT link takes instead (see {@link PasswordFileAuthenticator}).
     */
    private boolean needsHashing(Credentials c) {
        return passwordFile && c.username() != null && c.password() != null
                && !(jwt && JwtAuthenticator.looksLikeToken(c.password()));
    }

    /** One WARN per {@link #BUSY_WARN_INTERVAL_NANOS} at most, however many logins are turned away. */
    private void warnBusy(ThreadPoolExecutor pool) {
        long now = System.nanoTime();
        long next = nextBusyWarnNanos.get();
        if (now - next >= 0 && nextBusyWarnNanos.compareAndSet(next, now + BUSY_WARN_INTERVAL_NANOS)) {
            LOG.warn("logins refused with Server busy: {} logins already waiting for {} authentication threads",
                    pool.getQueue().size(), pool.getMaximumPoolSize());
        }
    }

    private AuthResult record(Credentials c, AuthResult r) {
        if (r instanceof AuthResult.Refused refused) {
            audit(c, refused);
            if (limiter.failed(c.remoteAddress())) {
                AUDIT.warn("addr={} blocked for the rest of the minute: auth.failedLoginsPerMinute={} reached",
                        c.remoteAddress(), failedLoginsPerMinute);
            }
        }
        return r;
    }

    private static void audit(Credentials c, AuthResult.Refused r) {
        AUDIT.warn("login refused: client={} addr={} user={} reason={}", c.clientId(), c.remoteAddress(),
                c.username() == null ? "-" : c.username(), r.reason());
    }

    /** Whether an ACL file is in use (then {@code $SYS} is for admins only). */
    private boolean restricted(Principal p) {
        return acl != null || p.tokenRules() != null;
    }

    public boolean mayPublish(Principal p, String topic) {
        return rulesFor(p).mayPublish(p, topic);
    }

    /**
     * Whether {@code p} may subscribe to {@code filter} (a shared subscription's group prefix already removed).
     * Under an ACL, {@code $SYS} is readable by admins only, whatever the rules say.
     */
    public boolean maySubscribe(Principal p, String filter) {
        if (filter.startsWith("$SYS") && restricted(p)) {
            return p.admin();
        }
        return rulesFor(p).maySubscribe(p, filter);
    }

    /**
     * Whether {@code p} may receive a message on {@code topic} under the rules in force now: the topic, as a filter of
     * its own, must be one {@code p} may subscribe to. Asked per delivery (through a cache), not only at SUBSCRIBE.
     */
    public boolean mayRead(Principal p, String topic) {
        return maySubscribe(p, topic);
    }

    /**
     * Whether {@link #mayRead} can ever say no to {@code p}: false without an ACL file or token permissions, when
     * only {@code $SYS} could be refused and {@code $SYS} is not restricted either.
     */
    public boolean readsAreRestricted(Principal p) {
        return restricted(p);
    }

    /**
     * The rules that decide for {@code p}, as an opaque version: a different object after every ACL file reload, so
     * a cache of decisions can tell it has to start over (one volatile read).
     */
    public Object rulesVersion(Principal p) {
        return rulesFor(p);
    }

    private AclRules rulesFor(Principal p) {
        if (p.tokenRules() != null) {
            return p.tokenRules();
        }
        return acl == null ? AclRules.NONE : acl.current();
    }

    @Override
    public void close() {
        ScheduledFuture<?> t = reloadTask;
        if (t != null) {
            t.cancel(false);
        }
        if (hashingPool != null) {
            hashingPool.shutdownNow();
        }
        if (tokenPool != null) {
            tokenPool.shutdownNow();
        }
        LOG.debug("security closed");
    }
}
