package io.fleetmq.broker.files;

/**
 * A file the broker reads (password, ACL, JWKS, certificate) cannot be used. The message is one line naming the file,
 * the line where there is one, and what is wrong; it never contains a secret.
 */
public final class FileFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public FileFormatException(String message) {
        super(message);
    }

    public FileFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
