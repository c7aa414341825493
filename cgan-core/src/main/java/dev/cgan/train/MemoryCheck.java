package dev.cgan.train;

import dev.cgan.InvalidSettingException;
import dev.cgan.NotEnoughMemoryException;
import dev.cgan.data.DataSource;
import dev.cgan.model.CganConfig;
import dev.cgan.train.internal.MemoryLimits;
import dev.cgan.train.internal.TrainingMemory;
import java.nio.file.Path;

/**
 * Refuses a run whose data or networks cannot fit, before anything is read or written: the data on
 * the Java heap ({@code -Xmx}), and what TensorFlow allocates ({@link TrainingMemory}) together
 * with the heap still to be taken, in this machine's available memory.
 */
final class MemoryCheck {
  private MemoryCheck() {}

  /**
   * @param config the run's run.json when resuming (then it is named for a network too large), or
   *     null when creating (then the image size is)
   * @param loaded whether the data is already on the heap
   * @throws NotEnoughMemoryException naming the data or the run, with the numbers
   * @throws InvalidSettingException naming {@code imageSize} when a new run's networks cannot fit
   */
  static void require(
      CganConfig network,
      int batchSize,
      boolean averaged,
      DataSource.DataShape data,
      Path config,
      boolean loaded)
      throws NotEnoughMemoryException {
    TrainingMemory need = TrainingMemory.of(network, batchSize, averaged, data);
    long heap = loaded ? 0 : need.heapBytes();
    MemoryLimits have = MemoryLimits.current();
    if (heap > have.freeHeap()) {
      // Garbage counts as used until it is collected; only what stays is a reason to refuse.
      System.gc();
      have = MemoryLimits.current();
    }
    String images = data.count() + " images of " + data.height() + "x" + data.width();
    if (heap > have.freeHeap()) {
      throw new NotEnoughMemoryException(
          data.source()
              + ": "
              + images
              + " need about "
              + mib(heap)
              + " MiB of Java heap to load, and this JVM has "
              + (have.freeHeap() >> 20)
              + " MiB free of its "
              + (have.maxHeap() >> 20)
              + " MiB maximum; raise it with -Xmx, or train on fewer images",
          heap,
          have.freeHeap());
    }
    long heapToTake = Math.max(0, heap - (have.committedHeap() - have.usedHeap()));
    long total = need.nativeBytes() + heapToTake;
    long available = have.availableNative();
    if (total <= available) {
      return;
    }
    String model =
        "imageSize "
            + network.imageSize()
            + " with "
            + network.numClasses()
            + " classes needs about "
            + mib(need.modelBytes())
            + " MiB for the networks, their optimiser state, one iteration and TensorFlow itself;"
            + " this machine has "
            + (available >> 20)
            + " MiB available ("
            + have.nativeSource()
            + ")";
    if (need.modelBytes() > available) {
      if (config == null) {
        throw new InvalidSettingException("imageSize", model);
      }
      throw new NotEnoughMemoryException(config + ": " + model, need.modelBytes(), available);
    }
    throw new NotEnoughMemoryException(
        data.source()
            + ": training on "
            + images
            + " needs about "
            + mib(total)
            + " MiB of memory (TensorFlow keeps up to "
            + TrainingMemory.DATA_COPIES
            + " copies of the data while it builds the graph: "
            + mib(need.dataBytes())
            + " MiB), and this machine has "
            + (available >> 20)
            + " MiB available ("
            + have.nativeSource()
            + "); train on fewer images",
        total,
        available);
  }

  /** Needed bytes in MiB, rounded up (what is there is rounded down). */
  private static long mib(long bytes) {
    return (bytes + (1 << 20) - 1) >> 20;
  }
}
