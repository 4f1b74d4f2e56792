package io.fleetmq.image.dest;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.EcrClientBuilder;
import software.amazon.awssdk.services.ecr.model.AuthorizationData;
import software.amazon.awssdk.services.ecr.model.ImageTagMutability;
import software.amazon.awssdk.services.ecr.model.RepositoryNotFoundException;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;

/**
 * Amazon ECR as a destination: the repository is created if missing (tags immutable, scan on push), and a registry
 * login is made from {@code GetAuthorizationToken}. The environment is passed in: {@code AWS_ACCESS_KEY_ID} /
 * {@code AWS_SECRET_ACCESS_KEY} / {@code AWS_SESSION_TOKEN}, {@code AWS_REGION} and {@code AWS_ENDPOINT_URL} are
 * taken from it when present; otherwise the AWS SDK v2 default chains apply (profile, container or instance role).
 */
public final class EcrRegistry {

    /** Where to push and how to log in; {@code plainHttp} for an http:// endpoint (LocalStack). */
    public record Login(String registry, String username, String password, boolean plainHttp) {
        public Login {
            Objects.requireNonNull(registry, "registry");
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(password, "password");
        }

        @Override
        public String toString() {
            return "Login[" + registry + ", " + username + ", password hidden]";
        }
    }

    private EcrRegistry() {
    }

    public static Login prepare(String repository, Map<String, String> env) {
        try (EcrClient ecr = client(env)) {
            try {
                ecr.describeRepositories(r -> r.repositoryNames(repository));
            } catch (RepositoryNotFoundException e) {
                ecr.createRepository(r -> r.repositoryName(repository)
                        .imageTagMutability(ImageTagMutability.IMMUTABLE)
                        .imageScanningConfiguration(s -> s.scanOnPush(true)));
            }
            AuthorizationData auth = ecr.getAuthorizationToken().authorizationData().get(0);
            String decoded = new String(Base64.getDecoder().decode(auth.authorizationToken()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            String endpoint = auth.proxyEndpoint();
            String host = endpoint.replaceFirst("^https?://", "").replaceFirst("/$", "");
            return new Login(host, decoded.substring(0, colon), decoded.substring(colon + 1), endpoint.startsWith("http://"));
        }
    }

    static EcrClient client(Map<String, String> env) {
        EcrClientBuilder b = EcrClient.builder();
        String region = env.getOrDefault("AWS_REGION", env.get("AWS_DEFAULT_REGION"));
        if (region != null && !region.isBlank()) {
            b.region(Region.of(region));
        }
        String endpoint = env.get("AWS_ENDPOINT_URL");
        if (endpoint != null && !endpoint.isBlank()) {
            b.endpointOverride(URI.create(endpoint));
        }
        b.credentialsProvider(credentials(env));
        return b.build();
    }

    private static AwsCredentialsProvider credentials(Map<String, String> env) {
        String key = env.get("AWS_ACCESS_KEY_ID");
        String secret = env.get("AWS_SECRET_ACCESS_KEY");
        if (key == null || secret == null) {
            return DefaultCredentialsProvider.builder().build();
        }
        String session = env.get("AWS_SESSION_TOKEN");
        return StaticCredentialsProvider.create(session == null
                ? AwsBasicCredentials.create(key, secret)
                : AwsSessionCredentials.create(key, secret, session));
    }
}
