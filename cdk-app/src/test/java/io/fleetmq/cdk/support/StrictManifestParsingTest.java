package io.fleetmq.cdk.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The manifest checks are only worth something if a wrong field name actually fails them. */
class StrictManifestParsingTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aMisspelledFieldFailsTheParse() throws Exception {
        var node = JSON.readTree("""
                {"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"x"},
                 "spec":{"serviceName":"x","template":{"spec":{"terminationGracePeriod":120}}}}""");
        assertThatThrownBy(() -> Manifests.strict(node))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("does not parse strictly")
                .hasMessageContaining("terminationGracePeriod");
    }

    @Test
    void anUnexpectedKindFailsTheParse() throws Exception {
        var node = JSON.readTree("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"x\"}}");
        assertThatThrownBy(() -> Manifests.strict(node)).hasMessageContaining("unexpected Kubernetes kind v1/Pod");
    }

    @Test
    void aCorrectManifestParsesIntoItsType() throws Exception {
        var node = JSON.readTree("""
                {"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"x"},
                 "spec":{"serviceName":"x","template":{"spec":{"terminationGracePeriodSeconds":120}}}}""");
        assertThat(Manifests.strict(node)).isInstanceOfSatisfying(StatefulSet.class, s ->
                assertThat(s.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds()).isEqualTo(120L));
    }
}
