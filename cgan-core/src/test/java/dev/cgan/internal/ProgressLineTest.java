package dev.cgan.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressLineTest {
  @Test
  void offATerminalItDrawsNothing() {
    StringWriter text = new StringWriter();
    ProgressLine bar = new ProgressLine(new PrintWriter(text), false, "it");
    bar.update(5, 0, 10, 100, "img/s", "x");
    bar.clear();
    bar.finish();
    assertEquals("", text.toString());
  }

  @Test
  void onATerminalTheLineIsRedrawnInPlaceAndEndedOnce() {
    StringWriter text = new StringWriter();
    ProgressLine bar = new ProgressLine(new PrintWriter(text), true, "it");
    bar.update(10, 0, 10, 123.4, "img/s", "D 0.250 G 0.500");
    String drawn = text.toString();
    assertTrue(
        drawn.startsWith("\r[" + "=".repeat(24) + "] 10/10 it  123 img/s  ETA 00:00"), drawn);
    assertTrue(drawn.endsWith("D 0.250 G 0.500"), drawn);
    bar.finish();
    bar.finish();
    assertEquals(drawn + System.lineSeparator(), text.toString());
  }

  @Test
  void clearingBlanksTheWholeBarAndReturnsToItsStart() {
    StringWriter text = new StringWriter();
    ProgressLine bar = new ProgressLine(new PrintWriter(text), true, "MB");
    bar.update(1, 0, 4, 0, "", "file");
    int drawn = text.toString().length() - 1;
    bar.clear();
    assertTrue(text.toString().endsWith("\r" + " ".repeat(drawn) + "\r"), text.toString());
  }

  @Test
  void durationsShowHoursOnlyFromAnHour() {
    assertEquals("00:59", ProgressLine.duration(59.4));
    assertEquals("59:59", ProgressLine.duration(3599));
    assertEquals("1:01:01", ProgressLine.duration(3661));
  }
}
