package io.fleetmq.bench.compare;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The generated part of {@code docs/benchmarks.md}: everything between {@link #BEGIN} and {@link #END} is replaced,
 * everything else is kept byte for byte. The file is rewritten atomically (temp file beside it, then a move).
 */
public final class DocsBlock {
    public static final String BEGIN = "<!-- compare:begin -->";
    public static final String END = "<!-- compare:end -->";

    private DocsBlock() {
    }

    /** Thrown when the document lacks the markers (or has them out of order, or more than once). */
    public static final class MissingMarkersException extends IllegalArgumentException {
        public MissingMarkersException(String message) {
            super(message);
        }
    }

    /** Checks that {@code doc} has exactly one {@link #BEGIN} followed by exactly one {@link #END}. */
    public static void check(String doc, String where) {
        int b = doc.indexOf(BEGIN);
        int e = doc.indexOf(END);
        if (b < 0 || e < 0) {
            throw new MissingMarkersException(where + " has no '" + BEGIN + "' ... '" + END
                    + "' block to rewrite; add both markers (each on its own line) where the table should go");
        }
        if (e < b) {
            throw new MissingMarkersException(where + ": '" + END + "' comes before '" + BEGIN + "'");
        }
        if (doc.indexOf(BEGIN, b + 1) >= 0 || doc.indexOf(END, e + 1) >= 0) {
            throw new MissingMarkersException(where + " has more than one '" + BEGIN + "' or '" + END + "' marker");
        }
    }

    /** {@code doc} with the text between the markers replaced by {@code block} (markers kept, each on its line). */
    public static String replace(String doc, String block, String where) {
        check(doc, where);
        int b = doc.indexOf(BEGIN) + BEGIN.length();
        int e = doc.indexOf(END);
        String body = block.endsWith("\n") ? block : block + "\n";
        return doc.substring(0, b) + "\n" + body + doc.substring(e);
    }

    /** Reads {@code file}, checks the markers; throws {@link MissingMarkersException} or {@link IOException}. */
    public static void checkFile(Path file) throws IOException {
        check(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    /** Replaces the block in {@code file} atomically. */
    public static void rewrite(Path file, String block) throws IOException {
        String updated = replace(Files.readString(file, StandardCharsets.UTF_8), block, file.toString());
        writeAtomically(file, updated);
    }

    /** Writes {@code text} to a temp file in the same directory, then moves it over {@code file}. */
    public static void writeAtomically(Path file, String text) throws IOException {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
