package dev.cgan.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The component schemas of {@code docs/open_inference_rest.yaml}, read by networknt's
 * json-schema-validator with its OpenAPI 3.0 dialect: every request the Open Inference Protocol
 * tests send and every answer they get is validated against the schema its path names.
 */
final class OipSchema {
  /** The schema file, from the module's folder (Surefire's working directory). */
  static final Path FILE =
      Path.of("..", "docs", "open_inference_rest.yaml").toAbsolutePath().normalize();

  /** The name the document is registered under (the validator fetches nothing). */
  private static final String IRI = "urn:cgan:docs:open_inference_rest.yaml";

  private static final SchemaRegistry REGISTRY =
      SchemaRegistry.withDefaultDialect(
          Dialects.getOpenApi30(), b -> b.schemas(iri -> iri.equals(IRI) ? read() : null));
  private static final Map<String, Schema> SCHEMAS = new ConcurrentHashMap<>();

  private OipSchema() {}

  /** The component schema {@code name} ({@code #/components/schemas/NAME}). */
  static Schema schema(String name) {
    return SCHEMAS.computeIfAbsent(
        name, n -> REGISTRY.getSchema(SchemaLocation.of(IRI + "#/components/schemas/" + n)));
  }

  private static String read() {
    try {
      return Files.readString(FILE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What the validator finds wrong with {@code json} against component {@code name}. */
  static List<Error> errors(String name, String json) {
    return schema(name).validate(json, InputFormat.JSON);
  }

  /** Fails unless {@code json} is valid against component {@code name}. */
  static void assertValid(String name, String json) {
    List<Error> errors = errors(name, json);
    assertEquals(
        List.of(),
        errors.stream().map(Error::toString).toList(),
        name + ": " + (json.length() > 300 ? json.substring(0, 300) + "…" : json));
  }
}
