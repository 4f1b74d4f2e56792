package io.fleetmq.image.base;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Turns a root filesystem directory into a one-layer docker-save tar that jib can use as a base image.
 * jib's own file layers follow symbolic links, and a Debian root filesystem is made of them ({@code /bin -> usr/bin},
 * the dynamic loader), so the layer is written here instead, reproducibly: entries sorted by path, every time set to
 * the same instant, owners and modes as on disk (numeric, no names), symbolic links kept as links. Device nodes,
 * sockets and pipes are left out (a container runtime provides {@code /dev}), as is anything under the pseudo
 * filesystems {@code proc}, {@code sys}, {@code dev} and {@code run}.
 */
public final class RootfsTarWriter {

    /** The one modification time of every entry: 1970-01-01T00:00:01Z, as jib uses for its own layers. */
    static final Date FIXED_TIME = new Date(1000L);
    private static final Set<String> EMPTIED = Set.of("proc", "sys", "dev", "run");

    private RootfsTarWriter() {
    }

    /**
     * Writes {@code target} (via a temporary file moved into place, so it never exists half-written).
     *
     * @return the layer's diff id, {@code sha256:<hex>}
     */
    public static String write(Path rootfs, Path target, String architecture) throws IOException {
        if (!Files.isDirectory(rootfs)) {
            throw new IOException("root filesystem " + rootfs + " is not a directory");
        }
        if (!Files.isRegularFile(rootfs.resolve("bin/sh"), LinkOption.NOFOLLOW_LINKS)
                && !Files.exists(rootfs.resolve("bin/sh"), LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("root filesystem " + rootfs + " has no bin/sh; is it really a root filesystem?");
        }
        Files.createDirectories(target.toAbsolutePath().getParent());
        Path layer = Files.createTempFile(target.toAbsolutePath().getParent(), ".layer-", ".tar");
        Path out = Files.createTempFile(target.toAbsolutePath().getParent(), ".base-", ".tar");
        try {
            String diffId = writeLayer(rootfs, layer);
            byte[] config = config(diffId, architecture);
            byte[] manifest = ("[{\"Config\":\"config.json\",\"RepoTags\":[],\"Layers\":[\"layer.tar\"]}]")
                    .getBytes(StandardCharsets.UTF_8);
            try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(out))) {
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
                addBytes(tar, "manifest.json", manifest);
                addBytes(tar, "config.json", config);
                TarArchiveEntry e = new TarArchiveEntry("layer.tar");
                e.setSize(Files.size(layer));
                e.setModTime(FIXED_TIME);
                e.setMode(0100644);
                tar.putArchiveEntry(e);
                Files.copy(layer, tar);
                tar.closeArchiveEntry();
            }
            Files.move(out, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return diffId;
        } finally {
            Files.deleteIfExists(layer);
            Files.deleteIfExists(out);
        }
    }

    private static String writeLayer(Path rootfs, Path layer) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        List<Path> paths = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(rootfs)) {
            walk.filter(p -> !p.equals(rootfs)).filter(p -> !insidePseudoFs(rootfs, p)).forEach(paths::add);
        }
        // Sorted by the name in the archive, so the order does not depend on the file system's directory order.
        paths.sort((a, b) -> rootfs.relativize(a).toString().compareTo(rootfs.relativize(b).toString()));
        try (OutputStream file = Files.newOutputStream(layer);
             DigestOutputStream digest = new DigestOutputStream(file, sha);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(digest)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (Path p : paths) {
                addEntry(tar, rootfs, p);
            }
        }
        return "sha256:" + HexFormat.of().formatHex(sha.digest());
    }

    private static boolean insidePseudoFs(Path rootfs, Path p) {
        Path rel = rootfs.relativize(p);
        return rel.getNameCount() > 1 && EMPTIED.contains(rel.getName(0).toString());
    }

    private static void addEntry(TarArchiveOutputStream tar, Path rootfs, Path p) throws IOException {
        String name = rootfs.relativize(p).toString();
        BasicFileAttributes attrs = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
        int uid = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        int gid = (Integer) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS);
        TarArchiveEntry e;
        if (attrs.isSymbolicLink()) {
            e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
            e.setLinkName(Files.readSymbolicLink(p).toString());
            e.setMode(0120777);
        } else if (attrs.isDirectory()) {
            e = new TarArchiveEntry(name + "/", TarConstants.LF_DIR);
            e.setMode(040000 | mode);
        } else if (attrs.isRegularFile()) {
            e = new TarArchiveEntry(name, TarConstants.LF_NORMAL);
            e.setMode(0100000 | mode);
            e.setSize(attrs.size());
        } else {
            return; // device node, socket or pipe: not part of an image
        }
        e.setUserId(uid);
        e.setGroupId(gid);
        e.setUserName("");
        e.setGroupName("");
        e.setModTime(FIXED_TIME);
        tar.putArchiveEntry(e);
        if (attrs.isRegularFile()) {
            try (InputStream in = Files.newInputStream(p)) {
                in.transferTo(tar);
            }
        }
        tar.closeArchiveEntry();
    }

    private static byte[] config(String diffId, String architecture) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("architecture", architecture);
        root.put("os", "linux");
        ObjectNode config = root.putObject("config");
        config.putArray("Env").add("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        ObjectNode rootfsNode = root.putObject("rootfs");
        rootfsNode.put("type", "layers");
        ArrayNode ids = rootfsNode.putArray("diff_ids");
        ids.add(diffId);
        return json.writeValueAsBytes(root);
    }

    private static void addBytes(TarArchiveOutputStream tar, String name, byte[] bytes) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(bytes.length);
        e.setModTime(FIXED_TIME);
        e.setMode(0100644);
        tar.putArchiveEntry(e);
        tar.write(bytes);
        tar.closeArchiveEntry();
    }
}
