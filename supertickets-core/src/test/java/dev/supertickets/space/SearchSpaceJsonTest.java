package dev.supertickets.space;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.supertickets.io.JsonParseException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The JSON form: pinned text, and strict reading with messages that name the member. */
class SearchSpaceJsonTest {
  /** Version 1 of the format; changing it breaks files users have written. */
  private static final String TINY28_JSON =
      """
      {
        "format": "supertickets.search-space",
        "version": 1,
        "name": "tiny28",
        "input": {
          "channels": 1,
          "height": 28,
          "width": 28
        },
        "stem": [
          {
            "outChannels": 8,
            "kernelSize": 3,
            "stride": 2
          }
        ],
        "stages": [
          {
            "blocks": [1],
            "channels": [4]
          },
          {
            "blocks": [1, 1],
            "channels": [4, 8]
          }
        ],
        "block": {
          "kernelSizes": [3, 5],
          "expandRatio": 2.0,
          "activation": "relu"
        },
        "batchNorm": {
          "momentum": 0.01,
          "epsilon": 0.001
        },
        "head": {
          "type": "classification",
          "headChannels": [8, 16],
          "lastChannel": 32,
          "dropout": 0.0,
          "numClasses": 10
        }
      }\
      """;

  @Test
  void writesThePinnedFormat() {
    assertThat(SearchSpaces.tiny28().toJson()).isEqualTo(TINY28_JSON);
    assertThat(SearchSpace.fromJson(TINY28_JSON)).isEqualTo(SearchSpaces.tiny28());
  }

  @Test
  void writesChainsAndDenseHeads() {
    SearchSpace chain = SearchSpaces.mobileNetV2Chain28();
    assertThat(chain.toJson()).contains("\"chain\": [").doesNotContain("\"stages\"");
    assertThat(SearchSpace.fromJson(chain.toJson())).isEqualTo(chain);
    SearchSpace dense = SearchSpaces.hrnasDense("cityscapes", 224, 224, 90, 19);
    assertThat(dense.toJson()).contains("\"type\": \"dense\"");
    assertThat(SearchSpace.fromJson(dense.toJson())).isEqualTo(dense);
  }

  @Test
  void acceptsIntegersWhereDoublesAreExpected() {
    String json = TINY28_JSON.replace("\"expandRatio\": 2.0", "\"expandRatio\": 2");
    assertThat(SearchSpace.fromJson(json)).isEqualTo(SearchSpaces.tiny28());
  }

  @Test
  void refusesUnknownAndMissingMembers() {
    assertThatThrownBy(
            () -> SearchSpace.fromJson(TINY28_JSON.replace("\"activation\"", "\"activaton\"")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("$.block has the unknown member \"activaton\"")
        .hasMessageContaining("[activation, expandRatio, kernelSizes]");
    assertThatThrownBy(() -> SearchSpace.fromJson(TINY28_JSON.replace("\"name\": \"tiny28\",", "")))
        .hasMessageContaining("$ lacks the member \"name\"");
    assertThatThrownBy(() -> SearchSpace.fromJson(TINY28_JSON.replace("\"stages\"", "\"stagez\"")))
        .hasMessageContaining("unknown member \"stagez\"");
  }

  @Test
  void refusesMistypedMembersNamingTheirPath() {
    assertThatThrownBy(
            () ->
                SearchSpace.fromJson(
                    TINY28_JSON.replace("\"channels\": [4, 8]", "\"channels\": [4, \"8\"]")))
        .hasMessage(
            "search space JSON: $.stages[1].channels[1] must be an integer in the int range, "
                + "got the string \"8\"");
    assertThatThrownBy(
            () -> SearchSpace.fromJson(TINY28_JSON.replace("\"channels\": 1", "\"channels\": 1.0")))
        .hasMessageContaining("$.input.channels must be an integer");
    assertThatThrownBy(
            () ->
                SearchSpace.fromJson(
                    TINY28_JSON.replace("\"lastChannel\": 32", "\"lastChannel\": 3000000000")))
        .hasMessageContaining(
            "$.head.lastChannel must be an integer in the int range, got 3000000000");
    assertThatThrownBy(
            () ->
                SearchSpace.fromJson(TINY28_JSON.replace("\"dropout\": 0.0", "\"dropout\": null")))
        .hasMessageContaining("$.head.dropout must be a number, got null");
    assertThatThrownBy(
            () -> SearchSpace.fromJson(TINY28_JSON.replace("\"stem\": [", "\"stem\": [3, ")))
        .hasMessageContaining("$.stem[0] must be an object, got 3");
    assertThatThrownBy(() -> SearchSpace.fromJson("[1]"))
        .hasMessageContaining("$ must be an object, got an array");
  }

  @Test
  void refusesOtherFormatsAndVersions() {
    assertThatThrownBy(
            () -> SearchSpace.fromJson(TINY28_JSON.replace("\"version\": 1", "\"version\": 2")))
        .hasMessage("unsupported search space format version 2; this library reads version 1 to 1");
    assertThatThrownBy(
            () -> SearchSpace.fromJson(TINY28_JSON.replace("supertickets.search-space", "ticket")))
        .hasMessageContaining("$.format must be \"supertickets.search-space\", got \"ticket\"");
    assertThatThrownBy(
            () ->
                SearchSpace.fromJson(
                    TINY28_JSON.replace("\"type\": \"classification\"", "\"type\": \"detection\"")))
        .hasMessageContaining(
            "$.head.type must be \"classification\" or \"dense\", got \"detection\"");
  }

  @Test
  void refusesInvalidSpacesWithTheBuildersReason() {
    String twoBodies = TINY28_JSON.replace("\"stages\": [", "\"chain\": [], \"stages\": [");
    assertThatThrownBy(() -> SearchSpace.fromJson(twoBodies))
        .hasMessageContaining("has both \"stages\" and \"chain\"");
    String dropping =
        TINY28_JSON
            .replace(
                "\"blocks\": [1, 1],\n      \"channels\": [4, 8]",
                "\"blocks\": [1],\n      \"channels\": [4]")
            .replace("\"headChannels\": [8, 16]", "\"headChannels\": []");
    SearchSpace single = SearchSpace.fromJson(dropping);
    assertThat(single.stages()).hasSize(2);
    String empty =
        TINY28_JSON.replaceAll("(?s)\"stages\": \\[.*?\\]\\s*}\\s*\\],", "\"stages\": [],");
    assertThatThrownBy(() -> SearchSpace.fromJson(empty))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "search space JSON describes an incomplete space: the space needs a body");
    String evenKernel = TINY28_JSON.replace("\"kernelSizes\": [3, 5]", "\"kernelSizes\": [3, 4]");
    assertThatThrownBy(() -> SearchSpace.fromJson(evenKernel))
        .hasMessageStartingWith(
            "search space JSON describes an invalid space: kernel sizes must be odd");
    String badHead = TINY28_JSON.replace("\"headChannels\": [8, 16]", "\"headChannels\": [8]");
    assertThatThrownBy(() -> SearchSpace.fromJson(badHead))
        .hasMessageContaining("one head channel count per branch");
  }

  @Test
  void malformedTextFailsWithItsPosition() {
    assertThatThrownBy(
            () -> SearchSpace.fromJson(TINY28_JSON.replace("\"version\": 1,", "\"version\": 1")))
        .isInstanceOf(JsonParseException.class)
        .hasMessageContaining("line 4, column 3");
  }

  @Test
  void treeFormEmbedsInLargerDocuments() {
    Object tree = SearchSpaces.default28().toJsonTree();
    assertThat(tree).isInstanceOf(java.util.Map.class);
    assertThat(((java.util.Map<?, ?>) tree).get("stages")).isInstanceOf(List.class);
    assertThat(SearchSpace.fromJsonTree(tree)).isEqualTo(SearchSpaces.default28());
  }
}
