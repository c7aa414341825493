package dev.cgan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cgan.run.RunSettings;
import dev.cgan.serve.ImageRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ResourceBundle;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** The help texts in Help.properties: each option and command has one, and each key is used. */
class HelpTextTest {
  /** The project's own commands by qualified name ("cgan", "cgan.train", ...). */
  private static Map<String, CommandSpec> commands() {
    CommandLine cli = Main.commandLine();
    Map<String, CommandSpec> out = new TreeMap<>();
    out.put("cgan", cli.getCommandSpec());
    cli.getSubcommands()
        .forEach(
            (name, c) -> {
              if (c.getCommand().getClass().getPackage() == Main.class.getPackage()) {
                out.put("cgan." + name, c.getCommandSpec());
              }
            });
    return out;
  }

  @Test
  void everyCommandAndOptionIsDescribed() {
    List<String> undescribed = new ArrayList<>();
    commands()
        .forEach(
            (name, spec) -> {
              if (String.join("", spec.usageMessage().description()).isBlank()) {
                undescribed.add(name);
              }
              for (OptionSpec o : spec.options()) {
                if (String.join("", o.description()).isBlank()) {
                  undescribed.add(name + " " + o.longestName());
                }
              }
            });
    assertEquals(List.of(), undescribed);
    assertTrue(commands().size() >= 9, commands().keySet().toString());
  }

  @Test
  void theDefaultsTheHelpNamesAreTheLibrarys() {
    ResourceBundle help = ResourceBundle.getBundle("dev.cgan.cli.Help");
    Map<String, String> named =
        Map.ofEntries(
            Map.entry("cgan.train.epochs", "(default: " + RunSettings.DEFAULT_EPOCHS + ")"),
            Map.entry("cgan.train.batch", "(default: " + RunSettings.DEFAULT_BATCH_SIZE + ")"),
            Map.entry("cgan.train.seed", "(default: " + RunSettings.DEFAULT_SEED + ")"),
            Map.entry("cgan.train.lr", "(default: " + RunSettings.DEFAULT_LEARNING_RATE + ")"),
            Map.entry("cgan.train.ema", "(default: " + RunSettings.DEFAULT_EMA_DECAY + ")"),
            Map.entry(
                "cgan.train.sample-interval",
                "(default: " + RunSettings.DEFAULT_SAMPLE_INTERVAL + ")"),
            Map.entry(
                "cgan.train.checkpoint-interval",
                "(default: " + RunSettings.DEFAULT_CHECKPOINT_INTERVAL + ")"),
            Map.entry(
                "cgan.train.log-interval", "(default: " + RunSettings.DEFAULT_LOG_INTERVAL + ")"),
            Map.entry("cgan.train.keep", "(default: " + RunSettings.DEFAULT_KEEP + ")"),
            Map.entry("cgan.generate.seed", "(default: " + ImageRequest.DEFAULT_SEED + ")"),
            Map.entry("cgan.generate.truncation", "(T from " + ImageRequest.MIN_TRUNCATION + ";"),
            Map.entry("cgan.interpolate.seed", "(default: " + ImageRequest.DEFAULT_SEED + ")"),
            Map.entry("cgan.interpolate.steps", "(default: " + ImageRequest.DEFAULT_STEPS + ")"),
            Map.entry("cgan.interpolate.fps", "(default: " + ImageRequest.DEFAULT_FPS + ")"));
    named.forEach(
        (key, fragment) ->
            assertTrue(help.getString(key).contains(fragment), key + ": " + help.getString(key)));
  }

  @Test
  void everyKeyNamesACommandTextOrAnOptionOfItsCommand() {
    Map<String, CommandSpec> commands = commands();
    ResourceBundle help = ResourceBundle.getBundle("dev.cgan.cli.Help");
    assertFalse(help.keySet().isEmpty());
    for (String key : help.keySet()) {
      int usage = key.indexOf(".usage.");
      String command =
          usage >= 0 ? key.substring(0, usage) : key.substring(0, key.lastIndexOf('.'));
      CommandSpec spec = commands.get(command);
      assertTrue(spec != null, key + ": no command " + command);
      if (usage >= 0) {
        assertTrue(key.substring(usage).matches("\\.usage\\.(description|footer)(\\.\\d+)?"), key);
      } else {
        String option = key.substring(command.length() + 1);
        assertTrue(
            spec.options().stream().anyMatch(o -> o.longestName().equals("--" + option)),
            key + ": " + command + " has no option --" + option);
      }
    }
  }
}
