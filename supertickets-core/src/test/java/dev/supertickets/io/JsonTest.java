package dev.supertickets.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonTest {
  @Test
  void parsesScalarsToTheDocumentedTypes() {
    assertThat(Json.parse("true")).isEqualTo(Boolean.TRUE);
    assertThat(Json.parse(" false ")).isEqualTo(Boolean.FALSE);
    assertThat(Json.parse("null")).isNull();
    assertThat(Json.parse("0")).isEqualTo(0L);
    assertThat(Json.parse("-0")).isEqualTo(0L);
    assertThat(Json.parse("-42")).isEqualTo(-42L);
    assertThat(Json.parse("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
    assertThat(Json.parse("-9223372036854775808")).isEqualTo(Long.MIN_VALUE);
    assertThat(Json.parse("9223372036854775808")).isEqualTo(9.223372036854775808e18);
    assertThat(Json.parse("1.5")).isEqualTo(1.5);
    assertThat(Json.parse("1e3")).isEqualTo(1000.0);
    assertThat(Json.parse("2.5E-3")).isEqualTo(0.0025);
    assertThat(Json.parse("-0.0")).isEqualTo(-0.0);
    assertThat(Double.doubleToRawLongBits((Double) Json.parse("-0.0")))
        .isEqualTo(Double.doubleToRawLongBits(-0.0));
    assertThat(Json.parse("4.9e-324")).isEqualTo(Double.MIN_VALUE);
  }

  @Test
  void parsesStringsWithEveryEscape() {
    assertThat(Json.parse("\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\uD83D\\uDE00\""))
        .isEqualTo("a\"b\\c/d\b\f\n\r\té\uD83D\uDE00");
    assertThat(Json.parse("\"\\ud800\"")).isEqualTo("\ud800");
    assertThat(Json.parse("\"日本\"")).isEqualTo("日本");
  }

  @Test
  void parsesContainersKeepingKeyOrder() {
    Object tree = Json.parse(" { \"z\" : [1, 2.0, \"x\", null, {}], \"a\": {\"b\": []} } ");
    assertThat(tree).isInstanceOf(LinkedHashMap.class);
    @SuppressWarnings("unchecked")
    Map<String, Object> map = (Map<String, Object>) tree;
    assertThat(map.keySet()).containsExactly("z", "a");
    assertThat(map.get("z")).isInstanceOf(ArrayList.class);
    assertThat(map.get("z")).isEqualTo(Arrays.asList(1L, 2.0, "x", null, Map.of()));
    assertThat(map.get("a")).isEqualTo(Map.of("b", List.of()));
  }

  @Test
  void writesCompactly() {
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("name", "tiny");
    tree.put("n", 3);
    tree.put("ratio", 4.0);
    tree.put("list", Arrays.asList(1L, -0.0, true, null));
    tree.put("empty", Map.of());
    assertThat(Json.write(tree))
        .isEqualTo(
            "{\"name\":\"tiny\",\"n\":3,\"ratio\":4.0,\"list\":[1,-0.0,true,null],\"empty\":{}}");
  }

  @Test
  void writesPrettilyWithScalarArraysOnOneLine() {
    Map<String, Object> inner = new LinkedHashMap<>();
    inner.put("k", List.of(3L, 5L, 7L));
    inner.put("e", List.of());
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("a", 1L);
    tree.put("b", inner);
    tree.put("c", List.of(Map.of("x", 1e-5), 2L));
    assertThat(Json.writePretty(tree))
        .isEqualTo(
            """
            {
              "a": 1,
              "b": {
                "k": [3, 5, 7],
                "e": []
              },
              "c": [
                {
                  "x": 1.0E-5
                },
                2
              ]
            }\
            """);
    assertThat(Json.parse(Json.writePretty(tree))).isEqualTo(Json.parse(Json.write(tree)));
  }

  @Test
  void escapesWhatMustBeEscapedAndNothingElse() {
    String s =
        "q\" b\\ nl\n"
            + " cr\r"
            + " tab\t bs\b ff\f nul\u0000 us\u001f del\u007f é 😀 lone\ud800 low\udc00 /";
    assertThat(Json.write(s))
        .isEqualTo(
            "\"q\\\" b\\\\ nl\\n cr\\r tab\\t bs\\b ff\\f nul\\u0000 us\\u001F del\u007f é "
                + "\\uD83D\\uDE00 lone\\uD800 low\\uDC00 /\"");
    assertThat(Json.parse(Json.write(s))).isEqualTo(s);
  }

  @Test
  void writesFloatsExactlyAsDoubles() {
    Object back = Json.parse(Json.write(0.1f));
    assertThat(back).isEqualTo((double) 0.1f);
    assertThat(Json.write(List.of((short) 2, (byte) -3, 7))).isEqualTo("[2,-3,7]");
  }

  @Test
  void refusesValuesJsonCannotHoldAndNamesTheirPath() {
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("stages", List.of(Map.of("ok", 1L), Map.of("ratio", Double.NaN)));
    assertThatThrownBy(() -> Json.write(tree))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("$.stages[1].ratio")
        .hasMessageContaining("finite");
    assertThatThrownBy(() -> Json.write(List.of(Double.POSITIVE_INFINITY)))
        .hasMessageContaining("$[0]");
    assertThatThrownBy(() -> Json.write(Map.of("x", new java.math.BigDecimal("1.5"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("java.math.BigDecimal")
        .hasMessageContaining("$.x")
        .hasMessageContaining("Long or Double");
    assertThatThrownBy(() -> Json.write(new Object())).hasMessageContaining("cannot write");
    Map<Object, Object> badKey = new HashMap<>();
    badKey.put(1, "one");
    assertThatThrownBy(() -> Json.write(badKey)).hasMessageContaining("keys must be strings");
  }

  @Test
  void refusesATreeThatContainsItself() {
    List<Object> loop = new ArrayList<>();
    loop.add(loop);
    assertThatThrownBy(() -> Json.write(loop))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nested deeper than " + Json.MAX_DEPTH);
  }

  @ParameterizedTest(name = "[{index}] {3}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "``                 | 1 | 1 | expected a value, found the end of the text",
        "`   `              | 1 | 4 | expected a value, found the end of the text",
        "`{\"a\":1,}`       | 1 | 8 | was expecting double-quote to start field name",
        "`[1,]`             | 1 | 4 | expected a valid value",
        "`[1,2`             | 1 | 5 | expected close marker for Array (start marker at [line: 1,"
            + " column: 1])",
        "`[1 2]`            | 1 | 4 | was expecting comma to separate Array entries",
        "`{\"a\" 1}`        | 1 | 6 | was expecting a colon to separate field name and value",
        "`{\"a\":1 \"b\":2}` | 1 | 8 | was expecting comma to separate Object entries",
        "`{a:1}`            | 1 | 2 | was expecting double-quote to start field name",
        "`01`               | 1 | 2 | Leading zeroes not allowed",
        "`1.`               | 1 | 2 | Decimal point not followed by a digit",
        "`.5`               | 1 | 1 | expected a valid value",
        "`+1`               | 1 | 2 | JSON spec does not allow numbers to have plus signs",
        "`-`                | 1 | 2 | Unexpected end-of-input: No digit following sign",
        "`1e`               | 1 | 3 | expected a digit for number exponent",
        "`1e999`            | 1 | 1 | the number 1e999 is beyond the range of a double",
        "`tru`              | 1 | 4 | Unrecognized token 'tru'",
        "`nul1`             | 1 | 5 | Unrecognized token 'nul1'",
        "`NaN`              | 1 | 4 | Non-standard token 'NaN'",
        "`'a'`              | 1 | 1 | Unexpected character (''' (code 39))",
        "`\"abc`            | 1 | 5 | was expecting closing quote for a string value",
        "`\"a\\x\"`         | 1 | 4 | Unrecognized character escape 'x'",
        "`\"\\u12G4\"`      | 1 | 6 | expected a hex-digit for character escape sequence",
        "`[1] [2]`          | 1 | 5 | expected the end of the text after the top-level value, found"
            + " [",
        "`// c`             | 1 | 1 | maybe a (non-standard) comment?",
        "`{\"a\":1,\"a\":2}` | 1 | 11 | duplicate key 'a'",
      })
  void refusesMalformedTextWithItsPosition(String text, int line, int column, String problem) {
    JsonParseException e = assertThrows(JsonParseException.class, () -> Json.parse(text));
    assertThat(e).isInstanceOf(IllegalArgumentException.class);
    assertThat(e.getMessage()).contains(problem).contains("line " + line + ", column " + column);
    assertThat(e.line()).isEqualTo(line);
    assertThat(e.column()).isEqualTo(column);
    assertThat(e.offset()).isEqualTo(column - 1);
  }

  @Test
  void countsLinesAndColumns() {
    JsonParseException e =
        assertThrows(JsonParseException.class, () -> Json.parse("{\n  \"a\": [1,\n    x]\n}"));
    assertThat(e.line()).isEqualTo(3);
    assertThat(e.column()).isEqualTo(6);
    assertThat(e.offset()).isEqualTo(18);
    assertThat(e)
        .hasMessageStartingWith(
            "malformed JSON at line 3, column 6 (offset 18): Unrecognized token 'x'");
  }

  @Test
  void refusesRawControlCharactersInStrings() {
    JsonParseException e = assertThrows(JsonParseException.class, () -> Json.parse("\"a\tb\""));
    assertThat(e)
        .hasMessageContaining("CTRL-CHAR, code 9")
        .hasMessageContaining("has to be escaped");
    assertThat(e.offset()).isEqualTo(2);
  }

  @Test
  void limitsNesting() {
    String ok = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
    assertThat(Json.parse(ok)).isInstanceOf(List.class);
    String deep = "[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1);
    JsonParseException e = assertThrows(JsonParseException.class, () -> Json.parse(deep));
    assertThat(e).hasMessageContaining("nested deeper than " + Json.MAX_DEPTH);
    assertThat(e.offset()).isEqualTo(Json.MAX_DEPTH);
  }

  @Test
  void refusesNullText() {
    assertThrows(NullPointerException.class, () -> Json.parse(null));
  }
}
