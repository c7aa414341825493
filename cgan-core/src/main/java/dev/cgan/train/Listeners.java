package dev.cgan.train;

import dev.cgan.image.LossPlot;
import dev.cgan.image.Png;
import dev.cgan.image.Tiles;
import dev.cgan.run.Checkpoints;
import dev.cgan.train.internal.MetricsLog;
import dev.cgan.train.internal.TensorBoardLog;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The standard {@link TrainingListener}s. Each takes its interval from the run's settings and
 * writes its own part of the run folder; {@link #standard()} is what a run's {@code train()} uses;
 * a list of your own picks some of them and adds your own:
 *
 * <pre>{@code
 * List<TrainingListener> listeners =
 *     List.of(Listeners.metricsCsv(), Listeners.checkpoints(), myListener);  // no TensorBoard
 * run.train(listeners);
 * }</pre>
 */
public final class Listeners {
  /** TensorBoard tags of the logged metrics and the sample grids. */
  public static final String DISCRIMINATOR_LOSS = TensorBoardLog.DISCRIMINATOR_LOSS,
      GENERATOR_LOSS = TensorBoardLog.GENERATOR_LOSS,
      SAMPLES = TensorBoardLog.SAMPLES;

  private Listeners() {}

  /**
   * metrics.csv, TensorBoard, sample grids, checkpoints and the loss plot, in that order (a new
   * list each call).
   */
  public static List<TrainingListener> standard() {
    return new ArrayList<>(
        List.of(metricsCsv(), tensorBoard(), sampleGrids(), checkpoints(), lossPlot()));
  }

  /**
   * {@code metrics.csv}: one row per logged iteration. A resumed run drops the rows after the
   * iteration it restored (they are computed again) and a torn last line.
   */
  public static TrainingListener metricsCsv() {
    return new MetricsCsv();
  }

  /** {@code tensorboard/}: the logged metrics, and every scalar and image published. */
  public static TrainingListener tensorBoard() {
    return new TensorBoard();
  }

  /**
   * {@code samples/<iteration>.png} every sample interval and at the end: {@link
   * TrainingContext#GRID_ROWS} rows × every class, from noise fixed for the run; also published as
   * the image {@link #SAMPLES}.
   */
  public static TrainingListener sampleGrids() {
    return new SampleGrids();
  }

  /**
   * {@code checkpoints/}: every checkpoint interval, at the end, and where a stop was requested;
   * the newest {@code keep} are kept. A checkpoint is only written when the losses of the weights
   * being saved are finite, so the newest one is always good.
   */
  public static TrainingListener checkpoints() {
    return new Checkpointing();
  }

  /** {@code losses.png}: D and G loss over the rows of {@code metrics.csv}, at the end. */
  public static TrainingListener lossPlot() {
    return new LossPlotListener();
  }

  private static final class MetricsCsv implements TrainingListener {
    private MetricsLog log;

    @Override
    public void onTrainBegin(TrainingContext c) throws IOException {
      log = new MetricsLog(c.run().metricsFile(), c.firstIteration());
    }

    @Override
    public void onLog(TrainingContext c, Metrics m) throws IOException {
      log.append(m);
    }

    @Override
    public void close() throws IOException {
      if (log != null) {
        log.close();
        log = null;
      }
    }
  }

  private static final class TensorBoard implements TrainingListener {
    private TensorBoardLog board;

    @Override
    public void onTrainBegin(TrainingContext c) throws IOException {
      board = new TensorBoardLog(c.run().tensorBoardDir());
    }

    @Override
    public void onLog(TrainingContext c, Metrics m) throws IOException {
      Map<String, Float> values = new LinkedHashMap<>();
      values.put(TensorBoardLog.DISCRIMINATOR_LOSS, (float) m.discriminatorLoss());
      values.put(TensorBoardLog.GENERATOR_LOSS, (float) m.generatorLoss());
      values.put(TensorBoardLog.REAL_SCORE, (float) m.meanRealScore());
      values.put(TensorBoardLog.FAKE_SCORE, (float) m.meanFakeScore());
      values.put(TensorBoardLog.IMAGES_PER_SECOND, (float) m.imagesPerSecond());
      board.scalars(m.iteration(), values);
    }

    @Override
    public void onScalars(TrainingContext c, long step, Map<String, Float> values)
        throws IOException {
      board.scalars(step, values);
    }

    @Override
    public void onImage(TrainingContext c, long step, String tag, BufferedImage image)
        throws IOException {
      if (image.getType() != BufferedImage.TYPE_BYTE_GRAY
          && image.getType() != BufferedImage.TYPE_3BYTE_BGR) {
        return; // the event writer takes 8-bit grey or RGB pictures, which is what grids are
      }
      board.image(
          step,
          tag,
          Tiles.pixels(image),
          image.getHeight(),
          image.getWidth(),
          Tiles.channels(image));
    }

    @Override
    public void close() throws IOException {
      if (board != null) {
        board.close();
        board = null;
      }
    }
  }

  private static final class SampleGrids implements TrainingListener {
    @Override
    public void onTrainBegin(TrainingContext c) throws IOException {
      Files.createDirectories(c.run().samplesDir());
    }

    @Override
    public void onIterationEnd(TrainingContext c) throws IOException {
      long it = c.iteration();
      if (it % c.settings().sampleInterval() == 0 || c.isLastIteration()) {
        BufferedImage grid = c.sampleGrid(c.settings().gridSeed());
        Png.write(grid, c.run().sampleGrid(it));
        c.publishImage(it, TensorBoardLog.SAMPLES, grid);
      }
    }
  }

  private static final class Checkpointing implements TrainingListener {
    private long lastSaved;
    private Checkpoints checkpoints;

    @Override
    public void onTrainBegin(TrainingContext c) {
      checkpoints = c.run().checkpoints();
      lastSaved = c.firstIteration() > 0 ? c.firstIteration() : -1;
    }

    @Override
    public void onIterationEnd(TrainingContext c) throws IOException {
      if (c.iteration() % c.settings().checkpointInterval() == 0 || c.isLastIteration()) {
        save(c);
      }
    }

    @Override
    public void onTrainEnd(TrainingContext c, Outcome outcome) throws IOException {
      if (lastSaved != c.iteration()) {
        save(c);
      }
    }

    /**
     * A loss is logged one update late and only every log interval, so the weights being saved are
     * checked here: a diverged checkpoint must never push a good one out.
     */
    private void save(TrainingContext c) throws IOException {
      Metrics now = c.currentMetrics();
      if (!now.isFinite()) {
        throw new DivergedException(now, checkpoints.latest().orElse(null));
      }
      checkpoints.save(prefix -> c.saveVariables(prefix), c.iteration());
      lastSaved = c.iteration();
    }
  }

  private static final class LossPlotListener implements TrainingListener {
    @Override
    public void onTrainEnd(TrainingContext c, Outcome outcome) throws IOException {
      Path csv = c.run().metricsFile();
      if (!Files.isRegularFile(csv)) {
        return;
      }
      List<Metrics> rows = MetricsLog.read(csv);
      Map<String, double[]> series = new LinkedHashMap<>();
      series.put("D loss", rows.stream().mapToDouble(Metrics::discriminatorLoss).toArray());
      series.put("G loss", rows.stream().mapToDouble(Metrics::generatorLoss).toArray());
      Png.write(
          LossPlot.render(rows.stream().map(Metrics::iteration).toList(), series, 800, 400),
          c.run().lossPlot());
    }
  }
}
