package dev.supertickets.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Spark's Java 17 options are written three times, each in its own language: {@link
 * StandaloneCluster}'s list, the test JVMs' {@code spark.opens} in this module's pom, and the
 * installed launcher script. They must not drift.
 */
class JavaModuleOptionsTest {
  @Test
  void thePomAndTheLauncherCarryEveryOptionOfTheList() throws Exception {
    String pom = Files.readString(Path.of("pom.xml"));
    String launcher =
        Files.readString(
            Path.of("..", "supertickets-cli", "src", "main", "dist", "bin", "supertickets"));
    for (String option : StandaloneCluster.JAVA_MODULE_OPTIONS) {
      assertThat(pom).as("pom.xml's spark.opens").contains(option);
      assertThat(launcher).as("the launcher script").contains(option);
    }
  }
}
