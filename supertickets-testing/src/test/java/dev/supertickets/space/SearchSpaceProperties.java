package dev.supertickets.space;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.supertickets.io.Json;
import dev.supertickets.space.SearchableBlock.Role;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Properties of random valid spaces: JSON round trips, the documented graph, and the cost's
 * invariants.
 */
class SearchSpaceProperties {
  @Provide
  Arbitrary<SearchSpace> spaces() {
    return SearchSpaceArbitraries.searchSpaces();
  }

  @Property(tries = 300)
  void jsonRoundTripsExactly(@ForAll("spaces") SearchSpace space) {
    String json = space.toJson();
    SearchSpace back = SearchSpace.fromJson(json);
    assertThat(back).isEqualTo(space);
    assertThat(back.hashCode()).isEqualTo(space.hashCode());
    assertThat(back.toJson()).isEqualTo(json);
    assertThat(back.block().expandRatio()).isEqualTo(space.block().expandRatio());
    assertThat(SearchSpace.fromJson(Json.write(space.toJsonTree()))).isEqualTo(space);
    assertThat(SearchSpace.fromJsonTree(space.toJsonTree())).isEqualTo(space);
    assertThat(space.toBuilder().build()).isEqualTo(space);
  }

  @Property(tries = 300)
  void blocksFollowTheDocumentedGraph(@ForAll("spaces") SearchSpace space) {
    new GraphWalk(space).check();
  }

  @Property(tries = 300)
  void costAddsUpFromItsParts(@ForAll("spaces") SearchSpace space) {
    SupernetCost c = space.cost();
    List<SearchableBlock> blocks = space.blocks();
    assertThat(c.blocks()).isEqualTo(blocks.size());
    assertThat(c.paths()).isEqualTo(blocks.size() * space.block().paths());
    assertThat(c.penalties()).hasSize(c.paths());
    assertThat(c.hiddenChannels())
        .isEqualTo(blocks.stream().mapToLong(SearchableBlock::totalHiddenChannels).sum());

    long stemMacs = 0;
    long stemParams = 0;
    int ch = space.input().channels();
    for (int l = 0; l < space.stem().size(); l++) {
      StemLayer layer = space.stem().get(l);
      long w = (long) layer.kernelSize() * layer.kernelSize() * ch * layer.outChannels();
      stemMacs += space.layout().stemResolutions().get(l).pixels() * w;
      stemParams += w;
      ch = layer.outChannels();
    }
    long blockMacs = blocks.stream().mapToLong(SearchableBlock::macs).sum();
    long blockParams = blocks.stream().mapToLong(SearchableBlock::params).sum();
    HeadSpec head = space.head();
    long classifier = (long) head.lastChannel() * head.numClasses();
    long headMacs;
    long headParams;
    if (head instanceof ClassificationHead) {
      long conv = (long) space.layout().headInputChannels() * head.lastChannel();
      headMacs = space.layout().headResolution().pixels() * conv + classifier;
      headParams = conv + classifier + head.numClasses();
    } else {
      headMacs = space.layout().headResolution().pixels() * classifier;
      headParams = classifier + head.numClasses();
    }
    assertThat(c.searchableMacs()).isEqualTo(blockMacs);
    assertThat(c.macs()).isEqualTo(stemMacs + blockMacs + headMacs);
    assertThat(c.params()).isEqualTo(stemParams + blockParams + headParams);
    assertThat(c.prunableWeights()).isEqualTo(c.params() - classifier - head.numClasses());
    assertThat(c.trainableParams()).isEqualTo(c.params() + c.batchNormParams());

    double weighted = 0;
    for (SearchableBlock b : blocks) {
      long pathMacs = 0;
      for (PathSpec p : b.paths()) {
        long f =
            b.inputResolution().pixels() * b.inp()
                + b.outputResolution().pixels()
                    * ((long) p.kernelSize() * p.kernelSize() + b.oup());
        assertThat(p.macsPerChannel()).isEqualTo(f);
        pathMacs += p.macs();
      }
      long residual =
          b.hasIdentityResidual()
              ? 0
              : b.outputResolution().pixels() * b.inp() * b.oup() / b.residualGroups();
      assertThat(b.macs()).isEqualTo(pathMacs + residual);
    }
    for (PathPenalty p : c.penalties()) {
      weighted += p.hiddenChannels() * p.penalty();
      assertThat(p.penalty()).isPositive();
    }
    // the penalties are normalised to a channel-weighted mean of 1
    assertThat(weighted / c.hiddenChannels()).isCloseTo(1.0, within(1e-9));
  }

  @Property(tries = 200)
  void parametersDoNotDependOnTheInputSize(@ForAll("spaces") SearchSpace space) {
    SearchSpace bigger = space.withInputSize(space.input().height() + 7, space.input().width() + 3);
    assertThat(bigger.cost().params()).isEqualTo(space.cost().params());
    assertThat(bigger.cost().batchNormParams()).isEqualTo(space.cost().batchNormParams());
    assertThat(bigger.cost().macs()).isGreaterThan(space.cost().macs());
    assertThat(bigger.blocks().stream().map(SearchableBlock::name).toList())
        .isEqualTo(space.blocks().stream().map(SearchableBlock::name).toList());
  }

  @Property(tries = 200)
  void namesAreUniqueAndLookupsAgree(@ForAll("spaces") SearchSpace space) {
    List<SearchableBlock> blocks = space.blocks();
    assertThat(new HashSet<>(blocks.stream().map(SearchableBlock::name).toList()))
        .hasSize(blocks.size());
    for (int i = 0; i < blocks.size(); i++) {
      SearchableBlock b = blocks.get(i);
      assertThat(b.index()).isEqualTo(i);
      assertThat(space.block(b.name())).isSameAs(b);
    }
    assertThat(space.describe()).contains(blocks.get(blocks.size() - 1).name());
    assertThat(space.toString()).contains(space.name());
  }

  /**
   * Walks the graph as {@link SearchableBlock}'s documentation states it, with shapes only, and
   * checks every block reads what the documentation says it reads.
   */
  private static final class GraphWalk {
    private record T(int c, Resolution r) {}

    private final SearchSpace space;
    private final List<String> names = new ArrayList<>();

    GraphWalk(SearchSpace space) {
      this.space = space;
    }

    private SearchableBlock expect(String name, Role role, T reads, int oup, int stride) {
      SearchableBlock b = space.block(name);
      names.add(name);
      assertThat(b.role()).as(name).isEqualTo(role);
      assertThat(b.inp()).as("inp of %s", name).isEqualTo(reads.c());
      assertThat(b.inputResolution()).as("input resolution of %s", name).isEqualTo(reads.r());
      assertThat(b.oup()).as("oup of %s", name).isEqualTo(oup);
      assertThat(b.stride()).as("stride of %s", name).isEqualTo(stride);
      assertThat(b.outputResolution()).isEqualTo(reads.r().strided(stride));
      assertThat(b.kernelSizes()).isEqualTo(space.block().kernelSizes());
      assertThat(b.hiddenChannels())
          .allSatisfy(
              h -> assertThat(h).isEqualTo((int) Math.rint(b.inp() * space.block().expandRatio())));
      assertThat(b.hasIdentityResidual()).isEqualTo(stride == 1 && b.inp() == oup);
      return b;
    }

    void check() {
      T s = new T(space.input().channels(), space.input().resolution());
      for (StemLayer l : space.stem()) {
        s = new T(l.outChannels(), s.r().strided(l.stride()));
      }
      List<T> y = new ArrayList<>();
      if (space.isChain()) {
        T cur = s;
        for (int t = 0; t < space.chain().size(); t++) {
          ChainStage cs = space.chain().get(t);
          for (int k = 0; k < cs.blocks(); k++) {
            SearchableBlock b =
                expect(
                    "stage" + t + ".block" + k,
                    Role.CHAIN,
                    cur,
                    cs.outChannels(),
                    k == 0 ? cs.stride() : 1);
            cur = new T(b.oup(), b.outputResolution());
          }
        }
        y.add(cur);
      } else {
        List<T> x = List.of(s);
        for (int st = 0; st < space.stages().size(); st++) {
          StageSpec stage = space.stages().get(st);
          T[] f = new T[stage.branches()];
          for (int i = 0; i < Math.min(x.size(), stage.branches()); i++) {
            Resolution sumSize = null;
            int position = 0;
            for (int j = i - 1; j <= i + 1; j++) {
              if (j < 0 || j >= x.size()) {
                continue;
              }
              SearchableBlock b =
                  expect(
                      "stage" + st + ".fuse.b" + i + ".from" + j,
                      Role.FUSE,
                      x.get(j),
                      stage.channels().get(i),
                      j < i ? 2 : 1);
              assertThat(b.position()).isEqualTo(position++);
              assertThat(b.sourceBranch()).isEqualTo(j);
              assertThat(b.upsample()).isEqualTo(j > i ? 2 : 1);
              if (sumSize == null) {
                sumSize = b.outputResolution();
                assertThat(sumSize)
                    .isEqualTo(x.get(i).r()); // a stage keeps each inherited branch's size
              } else {
                Resolution term =
                    new Resolution(
                        b.outputResolution().height() * b.upsample(),
                        b.outputResolution().width() * b.upsample());
                // resized bilinearly to the sum's size: at most one pixel off before resizing
                assertThat(Math.abs(term.height() - sumSize.height())).isLessThanOrEqualTo(1);
                assertThat(Math.abs(term.width() - sumSize.width())).isLessThanOrEqualTo(1);
              }
            }
            f[i] = new T(stage.channels().get(i), sumSize);
          }
          for (int nb = x.size(); nb < stage.branches(); nb++) {
            SearchableBlock b =
                expect(
                    "stage" + st + ".fuse.b" + nb + ".new",
                    Role.NEW_BRANCH,
                    f[nb - 1],
                    stage.channels().get(nb),
                    2);
            f[nb] = new T(b.oup(), b.outputResolution());
          }
          List<T> out = new ArrayList<>();
          for (int i = 0; i < stage.branches(); i++) {
            T cur = f[i];
            for (int k = 0; k < stage.blocks().get(i); k++) {
              SearchableBlock b =
                  expect("stage" + st + ".branch" + i + ".block" + k, Role.BRANCH, cur, cur.c(), 1);
              assertThat(b.position()).isEqualTo(k);
              cur = new T(b.oup(), b.outputResolution());
            }
            out.add(cur);
          }
          assertThat(space.layout().stageResolutions().get(st))
              .isEqualTo(out.stream().map(T::r).toList());
          x = out;
        }
        y.addAll(x);
      }
      if (space.head() instanceof ClassificationHead head) {
        List<T> incre = new ArrayList<>(y);
        for (int i = 0; i < head.headChannels().size(); i++) {
          SearchableBlock b =
              expect("head.incre" + i, Role.HEAD_INCRE, y.get(i), head.headChannels().get(i), 1);
          incre.set(i, new T(b.oup(), b.outputResolution()));
        }
        T h = incre.get(0);
        for (int i = 0; i + 1 < y.size(); i++) {
          SearchableBlock b =
              expect("head.downsamp" + i, Role.HEAD_DOWNSAMPLE, h, incre.get(i + 1).c(), 2);
          assertThat(b.outputResolution())
              .isEqualTo(incre.get(i + 1).r()); // summed without resizing
          h = incre.get(i + 1);
        }
        assertThat(space.layout().headInputChannels()).isEqualTo(h.c());
        assertThat(space.layout().headResolution()).isEqualTo(h.r());
      } else {
        int concat = y.stream().mapToInt(T::c).sum();
        expect(
            "transform",
            Role.TRANSFORM,
            new T(concat, y.get(0).r()),
            space.head().lastChannel(),
            1);
        assertThat(space.layout().headResolution()).isEqualTo(y.get(0).r());
      }
      assertThat(space.blocks().stream().map(SearchableBlock::name).toList()).isEqualTo(names);
    }
  }
}
