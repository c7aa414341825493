package dev.cgan.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Proxy;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsoleProgressTest {
  private static final String NL = System.lineSeparator();
  private static final Metrics AT_50 = new Metrics(50, 1, 0.25, 0.5, 0.75, 0.125, 4321.6, 2);

  /** A context that knows only where the loop is. */
  private static TrainingContext at(long iteration, long total) {
    return (TrainingContext)
        Proxy.newProxyInstance(
            TrainingContext.class.getClassLoader(),
            new Class<?>[] {TrainingContext.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "iteration" -> iteration;
                  case "firstIteration" -> 0L;
                  case "totalIterations" -> total;
                  default -> throw new UnsupportedOperationException(method.getName());
                });
  }

  @Test
  void inALogEachLoggedIterationIsOneLineAndNothingIsRedrawn() {
    StringWriter text = new StringWriter();
    ConsoleProgress progress = new ConsoleProgress(new PrintWriter(text, true), false);
    progress.onIterationEnd(at(49, 100));
    progress.onLog(at(50, 100), AT_50);
    progress.onIterationEnd(at(50, 100));
    progress.println("eval line");
    progress.close();
    assertEquals(
        "iter     50  epoch   1  D loss 0.2500  G loss 0.5000  D(x) 0.750  D(G(z)) 0.125    4322"
            + " img/s"
            + NL
            + "eval line"
            + NL,
        text.toString());
  }

  @Test
  void onATerminalTheBarShowsTheLatestLossesAndALineClearsItFirst() {
    StringWriter text = new StringWriter();
    ConsoleProgress progress = new ConsoleProgress(new PrintWriter(text, true), true);
    progress.onLog(at(50, 100), AT_50);
    assertEquals("", text.toString());
    progress.onIterationEnd(at(100, 100));
    String bar = text.toString();
    assertTrue(bar.startsWith("\r[") && bar.contains("100/100 it  4322 img/s"), bar);
    assertTrue(bar.endsWith("D 0.250 G 0.500"), bar);
    progress.println("eval line");
    assertTrue(text.toString().endsWith("\r" + "eval line" + NL), text.toString());
    progress.close();
    assertTrue(text.toString().endsWith("eval line" + NL), "a cleared bar needs no new line");
  }

  @Test
  void theDataReportNamesTheFirstThreeSkippedFilesAndCountsTheRest() {
    StringWriter out = new StringWriter(), err = new StringWriter();
    ConsoleProgress.report(
        new DataReport(List.of("a.png", "b.png", "c.png", "d.png", "e.png"), true, List.of("n")),
        new PrintWriter(out, true),
        new PrintWriter(err, true));
    assertEquals(
        "note: n" + NL + "skipped 5 bad image files: a.png; b.png; c.png; and 2 more" + NL,
        err.toString());
    assertEquals("decoded images read from the cache" + NL, out.toString());
  }

  @Test
  void oneSkippedFileIsNamedInTheSingular() {
    StringWriter out = new StringWriter(), err = new StringWriter();
    ConsoleProgress.report(
        new DataReport(List.of("x/broken.png"), false, List.of()),
        new PrintWriter(out, true),
        new PrintWriter(err, true));
    assertEquals("skipped 1 bad image file: x/broken.png" + NL, err.toString());
    assertEquals("", out.toString());
  }
}
