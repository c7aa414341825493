package dev.cgan;

/**
 * A run setting that cannot work, refused before anything is written. {@link #setting()} names the
 * setting as {@code dev.cgan.run.RunSettings.Builder} spells it ({@code batchSize}, {@code
 * iterations}, …) and the message names it the same way, so that a front end can name its own
 * option instead with {@link #messageNaming(String)}.
 */
public final class InvalidSettingException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String setting;

  /**
   * @param setting the setting's name, e.g. {@code batchSize}
   * @param problem what is wrong, to follow the name: "must be at least 2, got 0"
   */
  public InvalidSettingException(String setting, String problem) {
    this(setting, setting + " " + problem, null);
  }

  private InvalidSettingException(String setting, String message, Void worded) {
    super(message);
    this.setting = setting;
  }

  /** An exception whose whole message is given; it must mention {@code setting} by name. */
  public static InvalidSettingException worded(String setting, String message) {
    return new InvalidSettingException(setting, message, null);
  }

  public String setting() {
    return setting;
  }

  /** The message with the setting called {@code name}, e.g. a command-line option. */
  public String messageNaming(String name) {
    return getMessage().replace(setting, name);
  }
}
