package dev.supertickets.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The README's Java snippets are exactly the compiled code and its test command is what CI runs:
 * neither can drift.
 */
class ReadmeQuickStartTest {
  private static final String EXAMPLES =
      "supertickets-examples/src/main/java/dev/supertickets/examples/";

  @Test
  void readmeQuickStartIsTheExamplesCode() {
    String code = Snippets.between(EXAMPLES + "QuickStart.java", "quick start", 4);
    assertThat(Snippets.read("README.md")).contains("```java\n" + code + "\n```");
    assertThat(code.lines().count()).as("quick start lines").isLessThanOrEqualTo(20);
  }

  @Test
  void readmeLoadAndPredictIsTheConsumerProjectsCode() {
    String code =
        Snippets.between(
            "consumer/src/main/java/example/app/LoadAndPredict.java", "load and predict", 4);
    assertThat(Snippets.read("README.md")).contains("```java\n" + code + "\n```");
  }

  @Test
  void readmeTestCommandIsWhatCiRuns() {
    String ci = Snippets.read(".ci/run");
    String command = ci.substring(ci.lastIndexOf('\n', ci.length() - 2) + 1).trim();
    assertThat(command).contains("mvn -B install").contains("consumer/pom.xml verify");
    assertThat(Snippets.read("README.md")).contains("\n" + command + "\n");
  }

  @Test
  void readmeSparkSweepIsTheTestedCode() {
    String code =
        Snippets.between(
            "supertickets-spark/src/test/java/dev/supertickets/spark/ReadmeSweepTest.java",
            "spark sweep",
            4);
    assertThat(Snippets.read("README.md")).contains("```java\n" + code + "\n```");
  }

  @Test
  void readmeCustomPolicyIsTheExamplesCode() {
    String code = Snippets.between(EXAMPLES + "CustomPolicyExample.java", "custom policy", 2);
    assertThat(Snippets.read("README.md")).contains("```java\n" + code + "\n```");
  }
}
