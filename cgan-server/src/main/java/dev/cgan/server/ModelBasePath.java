package dev.cgan.server;

import dev.cgan.model.Weights;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * TensorFlow Serving's model base folder: numbered subfolders ({@code DIR/1/}, {@code DIR/2/}, …),
 * each a SavedModel export or a training run folder, served by {@link VersionPolicy} and watched
 * every {@code poll} for versions that appear or disappear (TF Serving's {@code
 * file_system_poll_wait_seconds}; {@link Duration#ZERO}: read once, at start).
 *
 * <p>Entries whose names are not whole numbers, and hidden ones ({@code .2.tmp}: where {@code
 * export} writes before its atomic rename), are ignored. A SavedModel folder counts once its {@code
 * saved_model.pb}, {@code variables/variables.index}, a {@code variables/variables.data-*} file and
 * {@code assets.extra/cgan.json} are there; a run folder once its {@code run.json} is. Even then a
 * version is served only after it loads and answers one warm-up generation.
 *
 * @param dir the base folder
 * @param policy which versions to serve
 * @param poll how often to look for new and removed versions; zero for never after start
 * @param weights the weights to serve ({@link Weights#RAW}, {@link Weights#EMA}), or null for each
 *     version's default
 */
public record ModelBasePath(Path dir, VersionPolicy policy, Duration poll, Weights weights) {
  /** The longest poll interval. */
  public static final Duration MAX_POLL = Duration.ofDays(1);

  public ModelBasePath {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(policy, "policy");
    if (poll.isNegative() || poll.compareTo(MAX_POLL) > 0) {
      throw new IllegalArgumentException(
          "poll must be 0 to " + MAX_POLL.toSeconds() + " s, got " + poll.toMillis() + " ms");
    }
  }

  /** {@code dir}, the latest version, polled every second (TF Serving's defaults), its weights. */
  public static ModelBasePath of(Path dir) {
    return new ModelBasePath(dir, VersionPolicy.latest(), Duration.ofSeconds(1), null);
  }

  public ModelBasePath withPolicy(VersionPolicy p) {
    return new ModelBasePath(dir, p, poll, weights);
  }

  public ModelBasePath withPoll(Duration d) {
    return new ModelBasePath(dir, policy, d, weights);
  }

  public ModelBasePath withWeights(Weights w) {
    return new ModelBasePath(dir, policy, poll, w);
  }
}
