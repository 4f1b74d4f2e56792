package io.fleetmq.image.base;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RootfsTarWriterTest {

    @TempDir
    Path tmp;

    private Path smallRootfs(String name) throws IOException {
        Path root = tmp.resolve(name);
        Files.createDirectories(root.resolve("usr/bin"));
        Files.createDirectories(root.resolve("etc"));
        Files.createDirectories(root.resolve("proc/self"));
        Files.writeString(root.resolve("proc/self/status"), "should not be packed");
        Files.writeString(root.resolve("usr/bin/sh"), "#!shell");
        Files.setPosixFilePermissions(root.resolve("usr/bin/sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createSymbolicLink(root.resolve("bin"), Path.of("usr/bin"));
        Files.writeString(root.resolve("etc/hostname"), "box\n");
        Files.setPosixFilePermissions(root.resolve("etc/hostname"), PosixFilePermissions.fromString("rw-r-----"));
        return root;
    }

    @Test
    void packsSortedEntriesWithFixedTimesKeepingLinksAndModes() throws Exception {
        Path root = smallRootfs("a");
        Path tar = tmp.resolve("base.tar");
        String diffId = RootfsTarWriter.write(root, tar, "amd64");

        Map<String, byte[]> outer = readTar(Files.newInputStream(tar));
        assertThat(outer.keySet()).containsExactly("manifest.json", "config.json", "layer.tar");
        JsonNode config = new ObjectMapper().readTree(outer.get("config.json"));
        assertThat(config.get("architecture").asText()).isEqualTo("amd64");
        assertThat(config.at("/rootfs/diff_ids/0").asText()).isEqualTo(diffId);

        List<TarArchiveEntry> entries = new ArrayList<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(outer.get("layer.tar")))) {
            for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
                entries.add(e);
            }
        }
        assertThat(entries).extracting(TarArchiveEntry::getName)
                .containsExactly("bin", "etc/", "etc/hostname", "proc/", "usr/", "usr/bin/", "usr/bin/sh");
        assertThat(entries).allSatisfy(e -> assertThat(e.getModTime().toInstant()).isEqualTo(Instant.ofEpochSecond(1)));
        TarArchiveEntry bin = entries.get(0);
        assertThat(bin.isSymbolicLink()).isTrue();
        assertThat(bin.getLinkName()).isEqualTo("usr/bin");
        assertThat(entries.get(2).getMode() & 0777).isEqualTo(0640);
        assertThat(entries.get(6).getMode() & 0777).isEqualTo(0755);
    }

    @Test
    void theSameTreeGivesTheSameBytesWhateverTheFileTimes() throws Exception {
        Path a = smallRootfs("a");
        Path b = smallRootfs("b");
        Files.setLastModifiedTime(b.resolve("etc/hostname"), FileTime.from(Instant.parse("2030-01-01T00:00:00Z")));
        Path ta = tmp.resolve("a.tar");
        Path tb = tmp.resolve("b.tar");
        assertThat(RootfsTarWriter.write(a, ta, "amd64")).isEqualTo(RootfsTarWriter.write(b, tb, "amd64"));
        assertThat(Files.readAllBytes(ta)).isEqualTo(Files.readAllBytes(tb));
    }

    @Test
    void aDirectoryWithoutAShellIsNotTakenForARootFilesystem() throws IOException {
        Path notRoot = Files.createDirectories(tmp.resolve("empty"));
        Path tar = tmp.resolve("x.tar");
        assertThatThrownBy(() -> RootfsTarWriter.write(notRoot, tar, "amd64"))
                .hasMessageContaining("has no bin/sh");
        assertThat(tar).doesNotExist();
    }

    private static Map<String, byte[]> readTar(InputStream raw) throws IOException {
        Map<String, byte[]> out = new java.util.LinkedHashMap<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(raw)) {
            for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
                out.put(e.getName(), in.readAllBytes());
            }
        }
        return out;
    }
}
