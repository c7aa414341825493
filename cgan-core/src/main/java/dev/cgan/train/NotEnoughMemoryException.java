package dev.cgan.train;

import java.io.IOException;

/**
 * A run that would need more memory than this JVM or this machine has, refused before anything is
 * allocated or written. The message is one line naming what is too large (the data file, or the
 * run's configuration), what it needs and what there is.
 */
public final class NotEnoughMemoryException extends IOException {
  private static final long serialVersionUID = 1L;

  private final long needed;
  private final long available;

  NotEnoughMemoryException(String message, long needed, long available) {
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
