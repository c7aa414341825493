package dev.cgan.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonParseException;
import com.google.gson.stream.JsonReader;
import dev.cgan.internal.JsonFields;
import dev.cgan.model.CganConfig;
import dev.cgan.model.ConvPlan;
import java.io.IOException;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

class ConfigJsonTest {
  private static CganConfig read(String json) throws IOException {
    return ConfigJson.read(JsonFields.parse(new JsonReader(new StringReader(json))));
  }

  private static final String CONV_BEFORE_CONDITIONING =
      "{\"numClasses\": 10, \"latentDim\": 100, \"imageSize\": 32, \"channels\": 1,"
          + " \"batchNormEps\": 1e-5, \"batchNormMomentum\": 0.1, \"dropoutRate\": 0.0,"
          + " \"leakySlope\": 0.2, \"arch\": \"conv\", \"width\": 32";

  @Test
  void bothNetworksRoundTripAndTheReferenceFileIsWhatItWas() throws IOException {
    CganConfig reference = CganConfig.reference();
    String written = ConfigJson.write(reference).toString();
    assertFalse(written.contains("conditioning") || written.contains("arch"), written);
    assertEquals(reference, read(written));
    for (ConvPlan.Conditioning c : ConvPlan.Conditioning.values()) {
      CganConfig conv = CganConfig.conv(8).withConditioning(c);
      assertEquals(conv, read(ConfigJson.write(conv).toString()));
    }
    assertNull(read(written).conditioning());
  }

  @Test
  void aConvRunWrittenBeforeTheChoiceKeepsItsProjection() throws IOException {
    // Its checkpoint holds a projection table (classes × D's features); reading it as the new
    // default would give D a table of another shape and the restore would fail.
    assertEquals(
        ConvPlan.Conditioning.PROJECTION, read(CONV_BEFORE_CONDITIONING + "}").conditioning());
    assertEquals(
        ConvPlan.Conditioning.CHANNEL,
        read(CONV_BEFORE_CONDITIONING + ", \"conditioning\": \"channel\"}").conditioning());
  }

  @Test
  void aWrongConditioningIsNamedByItsPlace() {
    JsonParseException e =
        assertThrows(
            JsonParseException.class,
            () -> read(CONV_BEFORE_CONDITIONING + ", \"conditioning\": \"concat\"}"));
    assertEquals(
        "conditioning must be \"channel\" or \"projection\", found the string \"concat\"",
        e.getMessage());
    String mlp =
        ConfigJson.write(CganConfig.reference()).toString().replace("}", ",")
            + " \"conditioning\": \"channel\"}";
    assertEquals(
        "conditioning applies to the conv network only",
        assertThrows(JsonParseException.class, () -> read(mlp)).getMessage());
  }
}
