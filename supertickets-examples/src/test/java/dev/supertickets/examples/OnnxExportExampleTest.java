package dev.supertickets.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.supertickets.data.Normalization;
import dev.supertickets.space.SearchSpaces;
import dev.supertickets.tensor.Backend;
import dev.supertickets.ticket.SuperTicket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example writes both forms as ONNX models, and the README shows its code. */
class OnnxExportExampleTest {
  @BeforeAll
  static void backend() {
    Backend.init();
  }

  @Test
  void writesBothFormsAsOnnxModels(@TempDir Path dir) throws Exception {
    SuperTicket ticket = SuperTicket.initial(SearchSpaces.tiny28(), Normalization.identity(1), 3);
    Path[] files = OnnxExportExample.export(ticket, dir);
    onnx.Onnx.ModelProto compact = onnx.Onnx.ModelProto.parseFrom(Files.readAllBytes(files[0]));
    onnx.Onnx.ModelProto merged = onnx.Onnx.ModelProto.parseFrom(Files.readAllBytes(files[1]));
    assertThat(compact.getGraph().getOutput(0).getName()).isEqualTo("logits");
    assertThat(merged.getGraph().getNodeCount()).isLessThan(compact.getGraph().getNodeCount());
  }

  @Test
  void readmeShowsTheExportCode() {
    String code =
        Snippets.between(
            "supertickets-examples/src/main/java/dev/supertickets/examples/"
                + "OnnxExportExample.java",
            "onnx export",
            4);
    assertThat(Snippets.read("README.md")).contains("```java\n" + code + "\n```");
  }
}
