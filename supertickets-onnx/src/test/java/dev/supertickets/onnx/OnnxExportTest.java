package dev.supertickets.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OrtException;
import dev.supertickets.data.Dataset;
import dev.supertickets.data.EmbeddedFashionMnist;
import dev.supertickets.data.Normalization;
import dev.supertickets.mask.MaskPolicies;
import dev.supertickets.nn.BatchNorm;
import dev.supertickets.nn.Mode;
import dev.supertickets.nn.Module;
import dev.supertickets.nn.Modules;
import dev.supertickets.nn.Sequential;
import dev.supertickets.space.SearchSpace;
import dev.supertickets.space.SearchSpaces;
import dev.supertickets.supernet.InvertedResidualChannels;
import dev.supertickets.supernet.Supernet;
import dev.supertickets.tensor.Backend;
import dev.supertickets.tensor.Workspaces;
import dev.supertickets.testing.TicketArbitraries;
import dev.supertickets.ticket.SuperTicket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Exported models run in ONNX Runtime give the ticket's own predictions ({@link
 * SuperTicket#predict}) within 1e-4 of the logits' scale, on real Fashion-MNIST images, for every
 * preset space (classification and dense heads) cut and pruned, in both forms, and for arbitrary
 * tickets of the testing kit; malformed tickets fail naming the layer.
 */
class OnnxExportTest {
  private static final double TOLERANCE = 1e-4;

  @BeforeAll
  @BeforeContainer
  static void backend() {
    Backend.init();
  }

  static Stream<SearchSpace> presets() {
    return Stream.of(
        SearchSpaces.tiny28(),
        SearchSpaces.default28(),
        SearchSpaces.reference28(),
        SearchSpaces.mobileNetV2Chain28(),
        SearchSpaces.resnetStyle28(20),
        SearchSpaces.cifar32(),
        SearchSpaces.resnetStyle32(20, 16),
        SearchSpaces.imagenet224(),
        SearchSpaces.hrnasDense("dense32", 32, 32, 16, 5));
  }

  @Tag("slow") // imagenet224 alone is a network of 2.4 G MACs
  @ParameterizedTest
  @MethodSource("presets")
  void onnxRuntimePredictsAsTheCutAndPrunedTicket(SearchSpace space) throws OrtException {
    SuperTicket ticket = cutAndPruned(space, 11);
    assertThat(ticket.sparsity()).isCloseTo(0.8, org.assertj.core.data.Offset.offset(0.01));
    INDArray images = realImages(space, space.input().height() > 64 ? 2 : 8);
    INDArray expected = ticket.predict(images);
    for (boolean merged : new boolean[] {false, true}) {
      try (OrtRunner ort = new OrtRunner(OnnxExport.of(ticket).mergedPaths(merged).toBytes())) {
        assertClose(ort.run(images), expected, space.name() + (merged ? " merged" : " compact"));
      }
    }
  }

  @Tag("slow")
  @Test
  void onnxRuntimePredictsAsADrawnTicket() throws OrtException {
    // a real draw: weights pruned on the schedule, BN scales and statistics from training (cuts:
    // the tests above)
    SuperTicket ticket =
        dev.supertickets.draw.SuperTicketsDrawer.builder(SearchSpaces.tiny28())
            .seed(9)
            .epochs(2)
            .targetSparsity(0.7)
            .build()
            .draw(
                EmbeddedFashionMnist.train().subset(0, 768),
                EmbeddedFashionMnist.test().subset(0, 200));
    assertThat(ticket.sparsity()).isCloseTo(0.7, org.assertj.core.data.Offset.offset(0.01));
    INDArray images = realImages(ticket.space(), 16);
    for (boolean merged : new boolean[] {false, true}) {
      try (OrtRunner ort = new OrtRunner(OnnxExport.of(ticket).mergedPaths(merged).toBytes())) {
        assertClose(
            ort.run(images), ticket.predict(images), "drawn tiny28" + (merged ? " merged" : ""));
      }
    }
  }

  @Property(tries = 60)
  void onnxRuntimePredictsAsArbitraryTickets(
      @ForAll("tickets") SuperTicket ticket, @ForAll boolean merged) throws OrtException {
    INDArray images = realImages(ticket.space(), 3);
    try (OrtRunner ort = new OrtRunner(OnnxExport.of(ticket).mergedPaths(merged).toBytes())) {
      assertClose(ort.run(images), ticket.predict(images), ticket.space().name());
    }
  }

  @Provide
  Arbitrary<SuperTicket> tickets() {
    return Combinators.combine(TicketArbitraries.tickets(), Arbitraries.longs())
        .as(TicketArbitraries::withTrainedStatistics);
  }

  @Test
  void theWrittenFileLoadsWithItsProvenanceInTheMetadata(@TempDir Path dir) throws Exception {
    SuperTicket ticket = cutAndPruned(SearchSpaces.tiny28(), 3);
    Path file = dir.resolve("ticket.onnx");
    OnnxExport.of(ticket).write(file);
    try (OrtRunner ort = new OrtRunner(Files.readAllBytes(file))) {
      Map<String, String> meta = ort.session().getMetadata().getCustomMetadata();
      assertThat(meta)
          .containsEntry("supertickets.space", "tiny28")
          .containsEntry("provenance.method", ticket.provenance().get("method"))
          .containsKey("supertickets.normalization.mean");
      assertThat(ort.session().getInputNames()).containsExactly(OnnxExport.INPUT);
      assertThat(ort.session().getMetadata().getProducerName()).isEqualTo("SuperTickets-J");
    }
  }

  @Test
  void prunedWeightsAreZerosInTheModel() {
    SuperTicket ticket = cutAndPruned(SearchSpaces.tiny28(), 5);
    long zeros = 0;
    long weights = 0;
    for (var t : OnnxExport.of(ticket).model().getGraph().getInitializerList()) {
      if (t.getName().endsWith(".weight")) {
        java.nio.FloatBuffer b =
            t.getRawData()
                .asReadOnlyByteBuffer()
                .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer();
        while (b.hasRemaining()) {
          zeros += b.get() == 0 ? 1 : 0;
          weights++;
        }
      }
    }
    // the masks cover the prunable weights, most of the exported ones; unpruned weights are never
    // exactly zero
    assertThat((double) zeros / weights).isGreaterThan(0.6);
  }

  @Test
  void aTicketWithNonFiniteWeightsFailsNamingTheLayer() {
    SuperTicket ticket = cutAndPruned(SearchSpaces.tiny28(), 7);
    Supernet net = ticket.network();
    var bn = Modules.ofType(net, BatchNorm.class).get(3);
    bn.runningVar().putScalar(0, 0, Float.NaN);
    SuperTicket broken = SuperTicket.of(net, ticket.normalization(), ticket.provenance());
    assertThatThrownBy(() -> OnnxExport.of(broken).toBytes())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(bn.gamma().name())
        .hasMessageContaining("NaN")
        .hasMessageContaining("redraw");
  }

  @Test
  void layersThatDoNotFitTogetherFailNamingTheLayer() {
    OnnxGraph graph = new OnnxGraph(onnx.Onnx.GraphProto.newBuilder());
    graph.declare("x", 8);
    INDArray kernel = Nd4j.zeros(DataType.FLOAT, 1, 1, 6, 4);
    assertThatThrownBy(() -> graph.conv("b0.k3.pw", "x", kernel, null, 1, 0, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("b0.k3.pw")
        .hasMessageContaining("receives 8")
        .hasMessageContaining("do not fit together");
  }

  @Test
  void aLayerWithoutAnOnnxFormIsNamed() {
    Module custom =
        new Module() {
          @Override
          public INDArray forward(INDArray x, Mode mode) {
            return x;
          }

          @Override
          public INDArray backward(INDArray g) {
            return g;
          }
        };
    OnnxGraph graph = new OnnxGraph(onnx.Onnx.GraphProto.newBuilder());
    graph.declare("x", 1);
    assertThatThrownBy(() -> Sequential.of(custom).describe(graph, "x"))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("has no inference graph");
  }

  static void assertClose(INDArray actual, INDArray expected, String what) {
    assertThat(actual.shape()).as(what).isEqualTo(expected.shape());
    double scale = Math.max(1, expected.amaxNumber().doubleValue());
    double error = actual.sub(expected.castTo(DataType.FLOAT)).amaxNumber().doubleValue() / scale;
    assertThat(error)
        .as("%s: largest difference over the logits' scale %s", what, scale)
        .isLessThanOrEqualTo(TOLERANCE);
  }

  /**
   * Fashion-MNIST test images sampled to the space's input size, the grey value repeated in every
   * channel.
   */
  static INDArray realImages(SearchSpace space, int n) {
    Dataset data = EmbeddedFashionMnist.test();
    var in = space.input();
    float[] v = new float[n * in.height() * in.width() * in.channels()];
    int i = 0;
    for (int s = 0; s < n; s++) {
      for (int y = 0; y < in.height(); y++) {
        for (int x = 0; x < in.width(); x++) {
          float p = data.pixel(s * 37, y * 28 / in.height(), x * 28 / in.width(), 0);
          for (int c = 0; c < in.channels(); c++) {
            v[i++] = p;
          }
        }
      }
    }
    return Nd4j.create(v, new long[] {n, in.height(), in.width(), in.channels()}, 'c');
  }

  /**
   * A ticket of {@code space} as a draw leaves one: batch-norm scales and statistics away from
   * their initial values, about 60% of each path's hidden channels kept (some paths cut away), then
   * 80% of the weights pruned by magnitude; a non-trivial input normalisation.
   */
  static SuperTicket cutAndPruned(SearchSpace space, long seed) {
    int c = space.input().channels();
    float[] mean = new float[c];
    float[] std = new float[c];
    for (int i = 0; i < c; i++) {
      mean[i] = 0.25f + 0.05f * i;
      std[i] = 0.3f + 0.02f * i;
    }
    SuperTicket initial =
        TicketArbitraries.withTrainedStatistics(
            SuperTicket.initial(space, new Normalization(mean, std), seed), seed);
    Supernet net = initial.network();
    SplittableRandom rng = new SplittableRandom(seed);
    try (MemoryWorkspace ignored = Workspaces.outside()) {
      Map<String, boolean[][]> keep = new LinkedHashMap<>();
      net.blocks()
          .forEach(
              (name, b) -> {
                boolean[][] k = new boolean[b.paths().size()][];
                for (int i = 0; i < k.length; i++) {
                  InvertedResidualChannels.Path p = b.paths().get(i);
                  boolean dropPath = rng.nextDouble() < 0.15;
                  k[i] = new boolean[p.hidden()];
                  for (int j = 0; j < k[i].length; j++) {
                    k[i][j] = !dropPath && rng.nextDouble() < 0.6;
                  }
                }
                keep.put(name, k);
              });
      net.keep(keep);
    }
    return SuperTicket.of(net, initial.normalization(), initial.provenance())
        .prune(MaskPolicies.magnitude(), 0.8, null, seed);
  }
}
