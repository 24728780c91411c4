package dev.supertickets.parallel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.supertickets.data.Dataset;
import dev.supertickets.data.EmbeddedFashionMnist;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The collective's mean, in-memory replicas, averaging arrays in place and sharding. */
class CollectiveTest {
  @Test
  void meanIsSummedInRankOrderAndOnePartComesBackUnchanged() {
    float[] x = {0.1f, -3e-8f, 7f};
    assertThat(Collective.meanOf(List.of(x))).containsExactly(x);
    assertThat(Collective.meanOf(List.of(new float[] {1, 2}, new float[] {3, 6})))
        .containsExactly(2f, 4f);
    assertThatThrownBy(() -> Collective.meanOf(List.of(new float[2], new float[3])))
        .hasMessageContaining("replica 1 sent 3 values, replica 0 sent 2");
    assertThat(Collective.single().mean(x)).containsExactly(x).isNotSameAs(x);
  }

  @Test
  void inMemoryReplicasAverageArraysInPlaceRoundAfterRound() throws Exception {
    int n = 3;
    List<Collective> cs = Collective.inMemory(n);
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<Future<float[][]>> out = new ArrayList<>();
      for (Collective c : cs) {
        out.add(
            pool.submit(
                () -> {
                  float[][] rounds = new float[4][];
                  for (int round = 0; round < rounds.length; round++) {
                    // replica r holds r + round in a [2, 2] array and 10 r in a [3]
                    INDArray a = Nd4j.valueArrayOf(new long[] {2, 2}, c.rank() + round + 0f);
                    INDArray b = Nd4j.valueArrayOf(new long[] {3}, 10f * c.rank());
                    ReplicaAverage.average(List.of(a, b), c);
                    rounds[round] = Nd4j.concat(0, a.reshape(4), b).toFloatVector();
                  }
                  return rounds;
                }));
      }
      for (Future<float[][]> f : out) {
        float[][] rounds = f.get();
        for (int round = 0; round < rounds.length; round++) {
          float m = 1f + round; // mean of 0, 1, 2 plus the round
          assertThat(rounds[round]).containsExactly(m, m, m, m, 10f, 10f, 10f);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void shardsAreDisjointOfOneSizeAndCoverTheData() {
    Dataset d = EmbeddedFashionMnist.train().subset(0, 103);
    List<Collective> cs = Collective.inMemory(4);
    int total = 0;
    for (Collective c : cs) {
      Dataset s = new DataParallel(c, 1).shard(d);
      assertThat(s.size()).isEqualTo(25);
      assertThat(s.name()).endsWith("-shard-" + c.rank() + "-of-4");
      for (int i = 0; i < s.size(); i++) {
        assertThat(s.image(i)).containsExactly(d.image(c.rank() + 4 * i));
      }
      total += s.size();
    }
    assertThat(total).isEqualTo(100);
    assertThat(new DataParallel(Collective.single(), 1).shard(d)).isSameAs(d);
    assertThat(new DataParallel(cs.get(0), 1).replicaBatch(64)).isEqualTo(16);
  }
}
