package dev.cgan.data;

import java.io.IOException;

/**
 * A data file that could be read but is not what it claims to be: a bad IDX header, a payload whose
 * length disagrees with the header, truncated gzip, a label out of range, a checksum mismatch.
 *
 * <p>The message is one line, {@code "<source>: <problem>"}, where the problem says what was
 * expected and what was found, e.g. {@code "train-images-idx3-ubyte.gz: header says 10000x28x28
 * ubyte = 7840000 bytes, found 7839000 (truncated?)"}. It is an {@link IOException} so that callers
 * that already handle I/O failures handle this too; callers that want to tell "the file is broken"
 * from "the disk failed" can catch it first.
 */
public class InvalidDataException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final String problem;

  /**
   * @param source the file or resource the data came from, as the user would recognise it
   * @param problem what was expected and what was found
   */
  public InvalidDataException(String source, String problem) {
    super(source + ": " + problem);
    this.source = source;
    this.problem = problem;
  }

  /**
   * @param source the file or resource the data came from
   * @param problem what was expected and what was found
   * @param cause the lower-level failure (e.g. the gzip decoder's), kept for stack traces
   */
  public InvalidDataException(String source, String problem, Throwable cause) {
    super(source + ": " + problem, cause);
    this.source = source;
    this.problem = problem;
  }

  /** The file or resource the bad data came from. */
  public String source() {
    return source;
  }

  /** The problem without the source prefix. */
  public String problem() {
    return problem;
  }
}
