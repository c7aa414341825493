package dev.cgan.data;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.stream.Collectors;

/**
 * No mirror delivered a file with the expected SHA-256. The message lists every URL tried and why
 * each failed, e.g. {@code "could not download train-labels-idx1-ubyte.gz into
 * /home/me/.cache/cgan-java/mnist: https://a/train-labels-idx1-ubyte.gz: HTTP 404;
 * https://b/train-labels-idx1-ubyte.gz: SHA-256 mismatch: expected 3552…, found 9f1c… (28881
 * bytes)"}.
 */
public class DownloadException extends IOException {
  private static final long serialVersionUID = 1L;

  /** One failed try: the URL and why it failed, in words. */
  public record Attempt(URI url, String reason) {
    @Override
    public String toString() {
      return url + ": " + reason;
    }
  }

  private final String fileName;
  private final transient List<Attempt> attempts;

  /**
   * @param fileName the file that could not be downloaded
   * @param where the directory it was meant for
   * @param attempts every URL tried, in order, with why it failed
   */
  public DownloadException(String fileName, String where, List<Attempt> attempts) {
    super(
        "could not download "
            + fileName
            + " into "
            + where
            + ": "
            + (attempts.isEmpty()
                ? "no URLs to try"
                : attempts.stream().map(Attempt::toString).collect(Collectors.joining("; "))));
    this.fileName = fileName;
    this.attempts = List.copyOf(attempts);
  }

  /** The file that could not be downloaded. */
  public String fileName() {
    return fileName;
  }

  /** Every URL tried, in order, with why it failed. */
  public List<Attempt> attempts() {
    return attempts;
  }
}
