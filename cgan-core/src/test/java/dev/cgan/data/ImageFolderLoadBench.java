package dev.cgan.data;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loading speed, a benchmark and not a timed test: runs only with {@code -Dcgan.bench.images=DIR},
 * e.g. the folder {@code scripts/fashion-mnist-to-folder.py} writes, and prints images/s cold
 * (decoding) and warm (from the cache), and the peak heap.
 */
@EnabledIfSystemProperty(named = "cgan.bench.images", matches = ".+")
class ImageFolderLoadBench {
  @TempDir Path cache;

  @Test
  void coldAndCached() throws Exception {
    Path dir = Path.of(System.getProperty("cgan.bench.images"));
    ImageFolderOptions o =
        ImageFolderOptions.defaults()
            .withCacheDir(cache)
            .withSize(Integer.getInteger("cgan.bench.size", 0));
    for (String pass : new String[] {"cold", "cached"}) {
      long t = System.nanoTime();
      ImageFolderReader.Result r = ImageFolderReader.read(dir, o, DecodeProgress.NONE);
      double s = (System.nanoTime() - t) / 1e9;
      System.out.printf(
          "%s: %s in %.2f s, %.0f images/s, from cache %b, %d threads%n",
          pass,
          r.images(),
          s,
          r.images().count() / s,
          r.fromCache(),
          Runtime.getRuntime().availableProcessors());
    }
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    System.out.printf("peak heap (sum of the pools' peaks): %d MiB%n", peak >> 20);
  }
}
