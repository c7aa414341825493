package dev.cgan.run;

import dev.cgan.internal.TensorArrays;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.tensorflow.exceptions.TFInvalidArgumentException;

/**
 * Finds the newest checkpoint of a run that restores, for the trainer and for every reader of the
 * run alike: damage is skipped with a warning and left on disk, another network's checkpoint is
 * refused, a checkpoint rotated away while it was being read makes it look again, and what is odd
 * about the index or the file names is said once.
 */
final class CheckpointResolver {
  private final Checkpoints checkpoints;
  private final Path dir;
  private final Consumer<String> warn;

  CheckpointResolver(Checkpoints checkpoints, Consumer<String> warn) {
    this.checkpoints = checkpoints;
    this.dir = checkpoints.dir();
    this.warn = warn;
  }

  Checkpoints.Resolution restoreNewest(Checkpoints.Restorer restorer, String fits)
      throws IOException {
    boolean lookedAgain = false;
    List<Path> skipped = new ArrayList<>();
    List<String> reasons = new ArrayList<>();
    List<Path> candidates = checkpoints.onDisk();
    warnAboutTheIndex(candidates);
    for (int i = 0; i < candidates.size(); i++) {
      Path prefix = candidates.get(i);
      if (skipped.contains(prefix)) {
        continue;
      }
      try {
        restorer.restore(prefix.toString());
        return new Checkpoints.Resolution(prefix, List.copyOf(skipped));
      } catch (RuntimeException e) {
        boolean vanished =
            !Files.exists(Path.of(prefix + Checkpoints.DATA_SUFFIX))
                || !Files.exists(Path.of(prefix + ".index"));
        if (vanished && !lookedAgain) {
          // Rotated away between listing and reading: a newer one has been published.
          lookedAgain = true;
          candidates = checkpoints.onDisk();
          i = -1;
          continue;
        }
        if (e instanceof TFInvalidArgumentException && !isCorruption(e) || isAnotherNetwork(e)) {
          // Shapes or dtypes that differ: another network, not damage. Older checkpoints of the
          // same run have the same shapes, so falling back would only hide the mistake.
          throw new Checkpoints.UnfitCheckpointException(
              "checkpoint "
                  + prefix
                  + " does not fit "
                  + fits
                  + ": "
                  + TensorArrays.firstLine(e.getMessage()),
              e);
        }
        skipped.add(prefix);
        reasons.add(skip(prefix, e));
      }
    }
    if (!skipped.isEmpty()) {
      throw new Checkpoints.UnfitCheckpointException(
          "no checkpoint in " + checkpoints.dir() + " restores: " + String.join("; ", reasons),
          null);
    }
    return new Checkpoints.Resolution(null, List.of());
  }

  private String skip(Path prefix, RuntimeException e) {
    String why =
        "checkpoint " + prefix + " is corrupt (" + TensorArrays.firstLine(e.getMessage()) + ")";
    warn.accept("warning: " + why + "; skipped it and left it on disk");
    return why;
  }

  /** A variable the graph has and the checkpoint lacks: the checkpoint is of another network. */
  private static boolean isAnotherNetwork(RuntimeException e) {
    return String.valueOf(e.getMessage()).contains("not found in checkpoint");
  }

  /** TensorFlow reports some damage (a bad table magic, a short block) as an invalid argument. */
  private static boolean isCorruption(RuntimeException e) {
    String m = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
    return m.contains("corrupt")
        || m.contains("checksum")
        || m.contains("crc")
        || m.contains("truncat")
        || m.contains("sstable")
        || m.contains("magic")
        || m.contains("data loss");
  }

  private void warnAboutTheIndex(List<Path> onDisk) throws IOException {
    if (Files.isDirectory(dir)) {
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : (Iterable<Path>) files.sorted()::iterator) {
          String n = f.getFileName().toString();
          if (Checkpoints.LOOKALIKE.matcher(n).matches()
              && !Checkpoints.INDEX_FILE.matcher(n).matches()) {
            warn.accept(
                "warning: ignored "
                    + f
                    + ": not a checkpoint name this project writes (ckpt-<iteration>, at"
                    + " most 18 digits, no leading zero)");
          }
        }
      }
    }
    if (onDisk.isEmpty()) {
      return;
    }
    Path index = dir.resolve(Checkpoints.INDEX);
    if (!Files.exists(index)) {
      warn.accept("warning: " + index + " is missing; using the checkpoints found on disk");
      return;
    }
    List<String> named = checkpoints.list();
    if (named.isEmpty()) {
      warn.accept("warning: " + index + " names no checkpoint; using the checkpoints on disk");
      return;
    }
    String newest = onDisk.get(0).getFileName().toString();
    if (!named.contains(newest)) {
      warn.accept(
          "warning: "
              + index
              + " does not name "
              + newest
              + ", the newest checkpoint on disk; trying it first");
    }
    for (String n : named) {
      if (!Files.isRegularFile(dir.resolve(n + ".index"))
          || !Files.isRegularFile(dir.resolve(n + Checkpoints.DATA_SUFFIX))) {
        warn.accept(
            "warning: " + index + " names " + n + ", which is not complete on disk; ignored it");
      }
    }
  }
}
