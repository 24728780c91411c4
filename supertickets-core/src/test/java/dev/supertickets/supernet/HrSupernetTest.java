package dev.supertickets.supernet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.supertickets.nn.GradientCheckerAccess;
import dev.supertickets.nn.Mode;
import dev.supertickets.nn.Param;
import dev.supertickets.nn.Profiler;
import dev.supertickets.space.SearchSpace;
import dev.supertickets.space.SearchSpaces;
import dev.supertickets.space.SupernetCost;
import dev.supertickets.tensor.Backend;
import dev.supertickets.tensor.Tensors;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

@Tag("slow")
class HrSupernetTest {
  @BeforeAll
  static void backend() {
    Backend.init();
  }

  /** tiny28 at 12x12 with a dense head variant, small enough for finite differences. */
  private static SearchSpace small(boolean dense) {
    SearchSpace.Builder b = SearchSpaces.tiny28().toBuilder().input(1, 12, 12);
    if (dense) {
      b.denseHead(6, 3);
    }
    return b.build();
  }

  @Test
  void profiledCostMatchesTheSpacesAnalyticCountForEveryPreset() {
    for (SearchSpace s :
        List.of(
            SearchSpaces.tiny28(),
            SearchSpaces.default28(),
            SearchSpaces.mobileNetV2Chain28(),
            small(true))) {
      HrSupernet net = new HrSupernet(s, new SplittableRandom(1));
      Profiler.Cost c = net.cost();
      SupernetCost expected = s.cost();
      assertThat(c.macs()).as(s.name() + " MACs").isEqualTo(expected.macs());
      long convAndLinear =
          net.params().stream()
              .filter(p -> p.isWeight() || p.kind() == Param.Kind.BIAS)
              .mapToLong(Param::size)
              .sum();
      assertThat(convAndLinear).as(s.name() + " params").isEqualTo(expected.params());
      assertThat(net.hiddenChannels()).isEqualTo(expected.hiddenChannels());
      assertThat(net.paths()).hasSize(expected.paths());
    }
  }

  @Test
  void gradientsOfTheWholeSupernetMatchFiniteDifferences() {
    for (boolean dense : new boolean[] {false, true}) {
      HrSupernet net = new HrSupernet(small(dense), new SplittableRandom(3), DataType.DOUBLE);
      INDArray x = Tensors.gaussian(new SplittableRandom(4), 1, DataType.DOUBLE, 2, 12, 12, 1);
      assertThat(GradientCheckerAccess.maxRelativeError(net, x, 5, 3))
          .as("dense head " + dense)
          .isLessThan(1e-5);
    }
  }

  @Test
  void aBlockCutToNothingComputesWhatAPathOfZerosWould() {
    // a block with no path, stride 1 and as many outputs as inputs is the identity; the fuse sums
    // and activations run in place on the first term's output, so an identity that handed back its
    // input changed the branch the next fuse term reads (default28's stage2.fuse.b0.from0 and
    // b1.from0 read branch 0; found by the ONNX export's check against ONNX Runtime)
    for (boolean dense : new boolean[] {false, true}) {
      SearchSpace.Builder b = SearchSpaces.default28().toBuilder().input(1, 12, 12);
      SearchSpace space = (dense ? b.denseHead(6, 3) : b).build();
      Map<String, ImmutableList<Integer>> none = new LinkedHashMap<>();
      Map<String, ImmutableList<Integer>> one = new LinkedHashMap<>();
      Architecture.full(space)
          .hidden()
          .forEach(
              (block, h) -> {
                none.put(block, ImmutableList.copyOf(h.stream().map(c -> 0).toList()));
                one.put(block, ImmutableList.copyOf(h.stream().map(c -> 1).toList()));
              });
      HrSupernet cut =
          new HrSupernet(
              space,
              new Architecture(ImmutableMap.copyOf(none)),
              new SplittableRandom(3),
              DataType.DOUBLE);
      HrSupernet zeros =
          new HrSupernet(
              space,
              new Architecture(ImmutableMap.copyOf(one)),
              new SplittableRandom(3),
              DataType.DOUBLE);
      Map<String, Param> byName = new LinkedHashMap<>();
      zeros.params().forEach(p -> byName.put(p.name(), p));
      cut.params()
          .forEach(
              p ->
                  byName.get(p.name()).value().assign(p.value())); // the same stem, residuals, head
      zeros.params().stream()
          .filter(p -> p.name().endsWith(".pwl.weight"))
          .forEach(p -> p.value().assign(0));
      INDArray x = Tensors.gaussian(new SplittableRandom(4), 1, DataType.DOUBLE, 2, 12, 12, 1);
      INDArray expected = zeros.forward(x, Mode.EVAL).dup();
      assertThat(cut.forward(x, Mode.EVAL).sub(expected).amaxNumber().doubleValue())
          .as("dense head " + dense)
          .isLessThan(1e-12);
    }
  }

  @Test
  void cuttingDeadChannelsKeepsTheOutputAndShrinksTheCost() {
    HrSupernet net = new HrSupernet(SearchSpaces.tiny28(), new SplittableRandom(7));
    INDArray x = Tensors.gaussian(new SplittableRandom(8), 1, DataType.FLOAT, 4, 28, 28, 1);
    SplittableRandom rng = new SplittableRandom(9);
    Map<String, boolean[][]> keep = new LinkedHashMap<>();
    net.blocks()
        .forEach(
            (name, b) -> {
              boolean[][] k = new boolean[b.paths().size()][];
              for (int i = 0; i < k.length; i++) {
                InvertedResidualChannels.Path p = b.paths().get(i);
                k[i] = new boolean[p.hidden()];
                for (int c = 0; c < k[i].length; c++) {
                  k[i][c] = rng.nextDouble() < 0.6;
                  if (!k[i][c]) {
                    p.importanceBn().gamma().value().putScalar(0, c, 0);
                    p.importanceBn().beta().value().putScalar(0, c, 0);
                  }
                }
              }
              keep.put(name, k);
            });
    long macsBefore = net.cost().macs();
    INDArray before = net.forward(x, Mode.EVAL).dup();
    net.keep(keep);
    INDArray after = net.forward(x, Mode.EVAL);
    assertThat(after.sub(before).amaxNumber().doubleValue()).isLessThan(1e-4);
    assertThat(net.cost().macs()).isLessThan(macsBefore);
  }

  @Test
  void wrongInputSizeGivesAClearError() {
    HrSupernet net = new HrSupernet(SearchSpaces.tiny28(), new SplittableRandom(1));
    INDArray x = Tensors.gaussian(new SplittableRandom(8), 1, DataType.FLOAT, 1, 32, 32, 1);
    assertThatThrownBy(() -> net.forward(x, Mode.EVAL))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[N, 28, 28, 1]")
        .hasMessageContaining("[1, 32, 32, 1]");
  }
}
