package dev.cgan;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.tensorflow.TensorFlow;

/** Versions of this library and of the TensorFlow runtime it runs on. */
public final class Version {
  private static final String PROJECT = load();

  private Version() {}

  /** cgan-java's version, e.g. "0.1.0". */
  public static String project() {
    return PROJECT;
  }

  /** The native TensorFlow version, e.g. "2.18.0" (loads the native library). */
  public static String tensorflow() {
    return TensorFlow.version();
  }

  private static String load() {
    try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
