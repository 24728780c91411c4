package dev.supertickets.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.supertickets.nn.Conv2d;
import dev.supertickets.nn.Module;
import dev.supertickets.nn.SparsePath;
import dev.supertickets.space.SearchSpace;
import dev.supertickets.space.SearchSpaces;
import dev.supertickets.supernet.Architecture;
import dev.supertickets.supernet.Supernet;
import dev.supertickets.ticket.SuperTicket;
import org.junit.jupiter.api.Test;

/** The rows' networks and their MAC counts, on the tiny space (ND4J only). */
class ModelsTest {

  @Test
  void macsOfACutArchitectureMatchTheProfiler() {
    SearchSpace space = SearchSpaces.tiny28();
    for (double f : new double[] {1, 0.5, 0.25}) {
      Architecture arch = Models.cut(space, f);
      Supernet net = Models.network(space, arch, 1);
      assertEquals(net.cost().macs(), Models.macs(space, arch), "fraction " + f);
      assertTrue(arch.livePaths() == Architecture.full(space).livePaths(), "no path vanishes");
    }
    assertEquals(space.cost().macs(), Models.macs(space, Architecture.full(space)));
  }

  @Test
  void scaledSpacesAndTheMaskedTicket() {
    SearchSpace space = SearchSpaces.tiny28();
    SearchSpace wide = Models.scaled(space, 2);
    assertEquals(2 * space.stem().get(0).outChannels(), wide.stem().get(0).outChannels());
    double grow = (double) wide.cost().macs() / space.cost().macs();
    assertTrue(
        grow > 2 && grow <= 4, "between 2x (depthwise, stem) and 4x (1x1) the MACs, got " + grow);
    SuperTicket t = Models.maskedTicket(space, Models.cut(space, 0.5), 3);
    assertEquals(Models.MASK_SPARSITY, t.sparsity(), 0.01);
    assertTrue(
        t.compact().params().stream().noneMatch(p -> p.isMasked()), "compact() folds the masks");
  }

  @Test
  void sparseTicketInferenceTurnsThePathOnAndOffAndRestoresIt() {
    SearchSpace space = SearchSpaces.default28();
    SuperTicket t = Models.maskedTicket(space, Architecture.full(space), 3, 0.95);
    assertEquals(0.95, t.sparsity(), 0.01);
    Supernet compact = t.compact();
    for (boolean on : new boolean[] {true, false}) {
      OursStep.inference(compact, 2, 28, 28, 1, 3, on).step();
      assertEquals(
          on, sparseLayers(compact) > 0, "some 1x1 convolution took the sparse path: " + on);
      assertTrue(SparsePath.isEnabled(), "the switch is restored after the pass");
    }
  }

  private static long sparseLayers(Module m) {
    long n = m instanceof Conv2d c && c.sparsePath().lastSparse() ? 1 : 0;
    for (Module child : m.children()) {
      n += sparseLayers(child);
    }
    return n;
  }
}
