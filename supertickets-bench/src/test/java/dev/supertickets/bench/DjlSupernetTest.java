package dev.supertickets.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.supertickets.nn.Param;
import dev.supertickets.space.SearchSpace;
import dev.supertickets.space.SearchSpaces;
import dev.supertickets.supernet.Architecture;
import dev.supertickets.supernet.Supernet;
import org.junit.jupiter.api.Test;

/**
 * The PyTorch mirror has exactly our network's convolution and linear weights (count and total
 * size) for a multi-branch and a chain space, cut or not, and maps a batch to logits. Loads
 * libtorch (offline, from the pytorch-native-cpu jar).
 */
class DjlSupernetTest {

  @Test
  void mirrorsTheWeightsOfMultiBranchAndChainSpaces() {
    SearchSpace chain = SearchSpaces.mobileNetV2Chain28();
    check(SearchSpaces.tiny28(), Architecture.full(SearchSpaces.tiny28()));
    check(SearchSpaces.tiny28(), Models.cut(SearchSpaces.tiny28(), 0.25));
    check(SearchSpaces.default28(), Models.cut(SearchSpaces.default28(), 0.5));
    check(chain, Architecture.full(chain));
  }

  private static void check(SearchSpace space, Architecture arch) {
    Supernet ours = Models.network(space, arch, 1);
    long oursWeights = 0;
    long oursSize = 0;
    for (Param p : ours.params()) {
      if (p.kind() == Param.Kind.CONV_WEIGHT || p.kind() == Param.Kind.LINEAR_WEIGHT) {
        oursWeights++;
        oursSize += p.size();
      }
    }
    try (NDManager m = NDManager.newBaseManager(TorchStep.ENGINE)) {
      DjlSupernet net = new DjlSupernet(space, arch);
      Shape in =
          new Shape(2, space.input().channels(), space.input().height(), space.input().width());
      net.initialize(m, DataType.FLOAT32, in);
      long weights = 0;
      long size = 0;
      for (Pair<String, Parameter> p : net.getParameters()) {
        if (p.getValue().getType() == Parameter.Type.WEIGHT) {
          weights++;
          size += p.getValue().getArray().size();
        }
      }
      assertEquals(oursWeights, weights, space.name() + ": weight tensors");
      assertEquals(oursSize, size, space.name() + ": weights");
      NDList out = net.forward(new ParameterStore(m, false), new NDList(m.randomNormal(in)), false);
      assertArrayEquals(new long[] {2, 10}, out.singletonOrThrow().getShape().getShape());
    }
  }
}
