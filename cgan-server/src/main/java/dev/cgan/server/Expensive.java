package dev.cgan.server;

import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * A few slots for expensive work: every GIF, and any strip or predict of more than {@link
 * #CHEAP_IMAGES} images. When all are taken the request is refused at once with 503 and {@code
 * Retry-After}, rather than queued: a queue of GIFs would hold the request threads and the CPU that
 * status and small predicts need, and push their latency to seconds.
 */
final class Expensive {
  /** The most images a request may ask for and still count as cheap. */
  static final int CHEAP_IMAGES = 16;

  /** What a refused client is told to wait before it tries again. */
  static final int RETRY_AFTER_SECONDS = 1;

  private final Semaphore slots;
  private final int count;

  Expensive(int count) {
    this.slots = new Semaphore(count);
    this.count = count;
  }

  /** Runs {@code work} for {@code images} images: at once when cheap, else in a free slot. */
  <T> T run(String what, long images, Supplier<T> work) {
    return images <= CHEAP_IMAGES ? work.get() : inSlot(what, work);
  }

  /** Runs {@code work} in a free slot. */
  <T> T inSlot(String what, Supplier<T> work) {
    if (!slots.tryAcquire()) {
      throw HttpError.busy(
          "the server is busy: its "
              + count
              + " slot"
              + (count == 1 ? "" : "s")
              + " for expensive requests (GIFs, more than "
              + CHEAP_IMAGES
              + " images) are taken; "
              + what
              + " was not started; retry in "
              + RETRY_AFTER_SECONDS
              + " s",
          RETRY_AFTER_SECONDS);
    }
    try {
      return work.get();
    } finally {
      slots.release();
    }
  }
}
