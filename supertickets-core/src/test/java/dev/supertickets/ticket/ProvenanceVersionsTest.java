package dev.supertickets.ticket;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The versions in provenance come from the build, not from constants in the code. */
class ProvenanceVersionsTest {
  @Test
  void versionsAreTheBuildsAndEveryNewProvenanceRecordsThem() {
    assertThat(Provenance.LIBRARY_VERSION).matches("\\d+\\.\\d+\\.\\d+.*");
    // the parent pom's nd4j.version, which also picks the ND4J artifacts on the class path
    assertThat(Provenance.ND4J_VERSION)
        .isEqualTo(
            org.nd4j.linalg.factory.Nd4j.class.getPackage().getImplementationVersion() == null
                ? "1.0.0-M2.1"
                : org.nd4j.linalg.factory.Nd4j.class.getPackage().getImplementationVersion());
    Provenance p = Provenance.of(Map.of("seed", 1));
    assertThat(p.entries())
        .containsEntry("library.version", Provenance.LIBRARY_VERSION)
        .containsEntry("nd4j.version", Provenance.ND4J_VERSION)
        .containsEntry("seed", "1");
  }
}
