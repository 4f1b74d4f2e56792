package io.fleetmq.bench.compare;

import io.fleetmq.bench.testing.Bench;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The generated block in docs/benchmarks.md: only the text between the markers changes, the write is atomic. */
class DocsBlockTest {
    @TempDir
    Path dir;

    private static final String DOC = "# Benchmarks\n\nintro ü\n\n## `./fleetmq bench compare`\n\ntext\n\n"
            + DocsBlock.BEGIN + "\nold table\nold notes\n" + DocsBlock.END + "\n\n## later section\n\nkept\n";

    @Test
    void replacesOnlyTheBlock() {
        String out = DocsBlock.replace(DOC, "| new | table |\n", "doc");
        assertThat(out).isEqualTo("# Benchmarks\n\nintro ü\n\n## `./fleetmq bench compare`\n\ntext\n\n"
                + DocsBlock.BEGIN + "\n| new | table |\n" + DocsBlock.END + "\n\n## later section\n\nkept\n");
        // running it again gives the same document: the block is replaced, not appended to
        assertThat(DocsBlock.replace(out, "| new | table |", "doc")).isEqualTo(out);
    }

    @Test
    void missingOrBrokenMarkersAreRejected() {
        assertThatThrownBy(() -> DocsBlock.replace("# no markers\n", "x", "docs/benchmarks.md"))
                .isInstanceOf(DocsBlock.MissingMarkersException.class)
                .hasMessageContaining("docs/benchmarks.md").hasMessageContaining(DocsBlock.BEGIN);
        assertThatThrownBy(() -> DocsBlock.replace(DocsBlock.BEGIN + "\n", "x", "d"))
                .isInstanceOf(DocsBlock.MissingMarkersException.class);
        assertThatThrownBy(() -> DocsBlock.replace(DocsBlock.END + "\n" + DocsBlock.BEGIN + "\n", "x", "d"))
                .isInstanceOf(DocsBlock.MissingMarkersException.class).hasMessageContaining("before");
        assertThatThrownBy(() -> DocsBlock.replace(DOC + DocsBlock.BEGIN, "x", "d"))
                .isInstanceOf(DocsBlock.MissingMarkersException.class).hasMessageContaining("more than one");
    }

    @Test
    void rewriteIsAtomicAndLeavesNoTempFile() throws IOException {
        Path doc = Files.writeString(dir.resolve("benchmarks.md"), DOC);
        DocsBlock.rewrite(doc, "fresh\n");
        assertThat(Files.readString(doc)).contains(DocsBlock.BEGIN + "\nfresh\n" + DocsBlock.END)
                .startsWith("# Benchmarks\n\nintro ü").endsWith("## later section\n\nkept\n");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("benchmarks.md");
        }
    }

    @Test
    void rewriteOfADocumentWithoutMarkersLeavesItUntouched() throws IOException {
        Path doc = Files.writeString(dir.resolve("benchmarks.md"), "# only this\n");
        assertThatThrownBy(() -> DocsBlock.rewrite(doc, "x")).isInstanceOf(DocsBlock.MissingMarkersException.class);
        assertThat(Files.readString(doc)).isEqualTo("# only this\n");
    }

    @Test
    void updateDocsWithoutMarkersExitsTwoBeforeStartingAnything() throws IOException {
        Path doc = Files.writeString(dir.resolve("benchmarks.md"), "# no markers here\n");
        long start = System.nanoTime();
        Bench b = Bench.run("compare", "--quick", "--update-docs", "--docs", doc.toString());
        assertThat(b.exitCode()).isEqualTo(2);
        assertThat(b.err()).contains("--update-docs").contains(DocsBlock.BEGIN).contains(doc.toString());
        assertThat(b.err().strip().lines()).hasSize(1);
        assertThat(b.out()).isEmpty();
        assertThat(System.nanoTime() - start).as("no broker started").isLessThan(5_000_000_000L);
        assertThat(Files.readString(doc)).isEqualTo("# no markers here\n");
    }

    @Test
    void badDurationExitsTwo() {
        Bench b = Bench.run("compare", "--duration", "0");
        assertThat(b.exitCode()).isEqualTo(2);
        assertThat(b.err()).contains("--duration");
    }
}
