package io.fleetmq.image.manifest;

/**
 * A manifest (or a role it names) is wrong. The message is one line, {@code FILE:LINE: KEY: what is wrong}, so an
 * editor can jump to it; the CLI prints it as is and exits 2 before anything is built or pushed.
 */
public final class ManifestException extends RuntimeException {

    private final String file;
    private final int line;
    private final String key;
    private final String problem;

    public ManifestException(String file, int line, String key, String problem) {
        super(file + ":" + line + ": " + key + ": " + problem);
        this.file = file;
        this.line = line;
        this.key = key;
        this.problem = problem;
    }

    public String file() {
        return file;
    }

    public int line() {
        return line;
    }

    public String key() {
        return key;
    }

    public String problem() {
        return problem;
    }
}
