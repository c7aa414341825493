package dev.cgan;

import java.io.IOException;

/**
 * Data or a run that would need more memory than this JVM or this machine has, refused before
 * anything is decoded, allocated or written. The message is one line naming what is too large (the
 * data, or the run's configuration), what it needs, what there is and what to change.
 */
public final class NotEnoughMemoryException extends IOException {
  private static final long serialVersionUID = 1L;

  private final long needed;
  private final long available;

  /**
   * @param message one line: what is too large, what it needs, what there is, what to change
   * @param needed bytes needed, as estimated
   * @param available bytes there are
   */
  public NotEnoughMemoryException(String message, long needed, long available) {
    super(message);
    this.needed = needed;
    this.available = available;
  }

  /** Bytes the run would need, as estimated. */
  public long needed() {
    return needed;
  }

  /** Bytes there are. */
  public long available() {
    return available;
  }
}
