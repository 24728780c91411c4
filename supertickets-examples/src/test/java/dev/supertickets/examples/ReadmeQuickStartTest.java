package dev.supertickets.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The README's Java snippets are exactly the compiled examples' code, so they cannot drift. */
class ReadmeQuickStartTest {
  private static final String EXAMPLES = "supertickets-examples/src/main/java/dev/supertickets/examples/";

  @Test
  void readmeQuickStartIsTheExamplesCode() {
    String code = Snippets.between(EXAMPLES + "QuickStart.java", "quick start", 4);
    assertThat(Snippets.read("README.md")).contains("```java\n" + code + "\n```");
    assertThat(code.lines().count()).as("quick start lines").isLessThanOrEqualTo(20);
  }

  @Test
  void readmeCustomPolicyIsTheExamplesCode() {
    String code = Snippets.between(EXAMPLES + "CustomPolicyExample.java", "custom policy", 2);
    assertThat(Snippets.read("README.md")).contains("```java\n" + code + "\n```");
  }
}
