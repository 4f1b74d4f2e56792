package io.fleetmq.cdk;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fleetmq.cdk.support.Manifests;
import io.fleetmq.cdk.support.Synth;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AllManifestsTest {

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyKubernetesManifestInEveryStackParsesStrictly(String env) {
        Synth s = Synth.of(env);
        List<HasMetadata> all = new ArrayList<>();
        s.templates().values().forEach(t -> all.addAll(Manifests.typed(t)));
        // Ours (broker, RBAC, proxy, HPA) and CDK's (service accounts for Pod Identity / IRSA).
        assertThat(all).extracting(HasMetadata::getKind).contains("StatefulSet", "HorizontalPodAutoscaler",
                "ClusterRole", "Deployment", "ServiceAccount");
        assertThat(all).hasSizeGreaterThanOrEqualTo(15);
    }
}
