package dev.supertickets.elastic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * E-LTH's mapping strings (the table of related-algorithms A.4), the default mappings, and the
 * errors.
 */
class BlockMappingTest {
  @ParameterizedTest(name = "{0} ({1} to {2})")
  @CsvSource(
      delimiter = '|',
      value = {
        "0:0;1:1,2;2:3,4;3:5,6;4:7,8 | 5 | 9",
        "0:0;1:1,5;2:2,6;3:3,7;4:4,8 | 5 | 9",
        "0:0;1:1,2;2:3,4 | 3 | 5",
        "0:0;1:1,3;2:2,4 | 3 | 5",
        "0:0;1:1,2,3;2:4,5,6 | 3 | 7",
        "0:0;1:1,3,5;2:2,4,6 | 3 | 7",
        "0:0;1:1;2:2 | 5 | 3",
        "0:0;1:1;3:2 | 5 | 3",
        "0:0;1:1;2:2;3:3;4:4 | 9 | 5",
        "0:0;2:1;4:2;6:3;8:4 | 9 | 5"
      })
  void theTableOfValidMappingsParsesFitsAndRoundTrips(
      String text, int sourceBlocks, int targetBlocks) {
    BlockMapping m = BlockMapping.parse(text);
    m.checkFits(sourceBlocks, targetBlocks);
    assertThat(m.toString()).isEqualTo(text);
    assertThat(BlockMapping.parse(m.toString())).isEqualTo(m);
    assertThat(m.sourceOf().keySet()).hasSize(targetBlocks).first().isEqualTo(0);
  }

  @Test
  void parsingReadsSourcesTargetsAndDrops() {
    BlockMapping m = BlockMapping.parse(" 0:0 ; 3 : 2 ;1:1 ");
    assertThat(m.targets(0)).containsExactly(0);
    assertThat(m.targets(1)).containsExactly(1);
    assertThat(m.targets(2)).isEmpty();
    assertThat(m.targets(3)).containsExactly(2);
    assertThat(m.sourceOf())
        .containsExactly(
            java.util.Map.entry(0, 0), java.util.Map.entry(1, 1), java.util.Map.entry(2, 3));
    assertThat(m).hasToString("0:0;1:1;3:2");
    assertThat(BlockMapping.parse("0:0;1:1,5;2:2,6").targets(1)).containsExactly(1, 5);
  }

  @Test
  void theImageNetPerStageStringParses() {
    List<BlockMapping> stages =
        BlockMapping.parsePerStage("0:0;1:1,2|0:0;1:1,2,3|0:0;1:1,2,3,4,5|0:0;1:1,2");
    assertThat(stages).hasSize(4);
    int[] target = {3, 4, 6, 3};
    for (int s = 0; s < 4; s++) {
      stages.get(s).checkFits(2, target[s]);
    }
    assertThat(BlockMapping.join(stages))
        .isEqualTo("0:0;1:1,2|0:0;1:1,2,3|0:0;1:1,2,3,4,5|0:0;1:1,2");
    assertThat(BlockMapping.parsePerStage("0:0;1:1")).containsExactly(BlockMapping.identity(2));
    assertThatThrownBy(() -> BlockMapping.parsePerStage("0:0|1:1"))
        .hasMessageStartingWith("stage 1 of \"0:0|1:1\"")
        .hasMessageContaining("0:0");
  }

  @Test
  void theDefaultStretchAppendsAndSpreadsCopiesOverTheNonFirstBlocks() {
    assertThat(BlockMapping.stretch(3, 5))
        .hasToString("0:0;1:1,3;2:2,4"); // R20 -> R32, the table's appending
    assertThat(BlockMapping.stretch(5, 9)).hasToString("0:0;1:1,5;2:2,6;3:3,7;4:4,8"); // R32 -> R56
    assertThat(BlockMapping.stretch(3, 7)).hasToString("0:0;1:1,3,5;2:2,4,6"); // R20 -> R44
    assertThat(BlockMapping.stretch(3, 4)).hasToString("0:0;1:1,3;2:2"); // earlier blocks first
    assertThat(BlockMapping.stretch(5, 7)).hasToString("0:0;1:1,5;2:2,6;3:3;4:4");
    assertThat(BlockMapping.stretch(2, 5)).hasToString("0:0;1:1,2,3,4");
    assertThat(BlockMapping.stretch(1, 1)).isEqualTo(BlockMapping.identity(1));
    assertThat(BlockMapping.stretch(4, 4)).isEqualTo(BlockMapping.identity(4));
  }

  @Test
  void theDefaultSqueezeKeepsTheFirstBlocks() {
    assertThat(BlockMapping.squeeze(9, 5)).hasToString("0:0;1:1;2:2;3:3;4:4"); // R56 -> R32
    assertThat(BlockMapping.squeeze(5, 3)).hasToString("0:0;1:1;2:2"); // R32 -> R20
    assertThat(BlockMapping.squeeze(5, 1)).hasToString("0:0");
    assertThat(BlockMapping.identity(3))
        .isEqualTo(BlockMapping.squeeze(3, 3))
        .hasToString("0:0;1:1;2:2");
  }

  @Test
  void blockZeroMustMapToZeroOnly() {
    for (String bad : new String[] {"1:1", "0:1;1:0", "0:0,1;1:2", "0:0,3;1:1;2:2", "1:0;2:1"}) {
      assertThatThrownBy(() -> BlockMapping.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("block 0 of a stage must map to target block 0 only (0:0)")
          .hasMessageContaining("start the mapping with 0:0");
    }
  }

  @Test
  void duplicatedSourcesAndTargetsAreNamed() {
    assertThatThrownBy(() -> BlockMapping.parse("0:0;1:1;2:1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "target block 1 is written twice, by source 1 and by source 2; every target block must"
                + " come from exactly one source: remove one of them");
    assertThatThrownBy(() -> BlockMapping.parse("0:0;1:1,2,1"))
        .hasMessageContaining("target block 1 is written " + "twice");
    assertThatThrownBy(() -> BlockMapping.parse("0:0;1:1;1:2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("source block 1 appears twice")
        .hasMessageContaining("give each source once");
  }

  @Test
  void malformedStringsAreRefusedNamingThePart() {
    assertThatThrownBy(() -> BlockMapping.parse("")).hasMessageContaining("must not be empty");
    assertThatThrownBy(() -> BlockMapping.parse("0:0;1"))
        .hasMessageContaining("entry \"1\"")
        .hasMessageContaining("source:targets");
    assertThatThrownBy(() -> BlockMapping.parse("0:0;1:")).hasMessageContaining("entry \"1:\"");
    assertThatThrownBy(() -> BlockMapping.parse("0:0;;1:1")).hasMessageContaining("entry \"\"");
    assertThatThrownBy(() -> BlockMapping.parse("0:0;a:1"))
        .hasMessageContaining("holds \"a\", not a block index");
    assertThatThrownBy(() -> BlockMapping.parse("0:0;1:1,")).hasMessageContaining("holds \"\"");
    assertThatThrownBy(() -> BlockMapping.parse("0:0;1:-2")).hasMessageContaining(">= 0, got -2");
    assertThatThrownBy(() -> BlockMapping.parse("0:0;1:1:2"))
        .hasMessageContaining("entry \"1:1:2\"");
  }

  @Test
  void coverageErrorsNameTheBlocksAndTheFix() {
    assertThatThrownBy(() -> BlockMapping.parse("0:0;1:1").checkFits(3, 5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "block mapping 0:0;1:1 leaves target blocks [2, 3, 4] of 0..4 uncovered; every target"
                + " block needs exactly one source: add them to a source's targets (e.g."
                + " BlockMapping.stretch(3, 5) gives the default)");
    assertThatThrownBy(() -> BlockMapping.parse("0:0;2:2").checkFits(5, 3))
        .hasMessageContaining("leaves target blocks [1]")
        .hasMessageContaining("BlockMapping.squeeze(5, 3)");
    assertThatThrownBy(() -> BlockMapping.parse("0:0;1:1;4:2").checkFits(3, 3))
        .hasMessageContaining("reads source blocks [4], but the source stage has only blocks 0..2");
    assertThatThrownBy(() -> BlockMapping.parse("0:0;1:1,2,7").checkFits(3, 3))
        .hasMessageContaining(
            "writes target blocks [7], but the target stage has only blocks 0..2");
  }

  @Test
  void impossibleDefaultsAreRefused() {
    assertThatThrownBy(() -> BlockMapping.stretch(5, 3)).hasMessageContaining("use squeeze(5, 3)");
    assertThatThrownBy(() -> BlockMapping.squeeze(3, 5)).hasMessageContaining("use stretch(3, 5)");
    assertThatThrownBy(() -> BlockMapping.stretch(1, 3))
        .hasMessageContaining("block 0 is never replicated");
    assertThatThrownBy(() -> BlockMapping.squeeze(3, 0)).hasMessageContaining("at least one block");
    assertThatThrownBy(() -> BlockMapping.identity(0))
        .hasMessageContaining("at least one block, got 0");
  }
}
