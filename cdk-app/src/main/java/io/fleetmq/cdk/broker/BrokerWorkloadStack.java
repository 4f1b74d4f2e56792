package io.fleetmq.cdk.broker;

import io.fleetmq.cdk.config.EnvironmentConfig;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.eks_v2.KubernetesManifest;
import software.amazon.awscdk.services.eks_v2.KubernetesObjectValue;
import software.amazon.awscdk.services.ssm.StringParameter;
import software.constructs.Construct;

import java.util.List;

/**
 * The broker on the cluster: namespace, StatefulSet from the image digest, headless discovery Service, the NLB Service,
 * the NetworkPolicy and the PodDisruptionBudget (see {@link BrokerManifests}), its Secrets from AWS Secrets Manager
 * ({@link BrokerSecrets}), and the NLB's DNS name as an output.
 */
public final class BrokerWorkloadStack extends Stack {

    private final BrokerManifests manifests;
    private final String endpoint;
    private final CfnOutput endpointOutput;

    public BrokerWorkloadStack(Construct scope, String id, StackProps stackProps, BrokerWorkloadStackProps props) {
        super(scope, id, stackProps);
        EnvironmentConfig.Broker broker = props.broker();

        // The digest from the environment/context, or else the one the pipeline recorded in SSM (resolved by
        // CloudFormation at deploy time). Either way the pod spec names an immutable digest, never a tag.
        String digest = broker.imageDigest().orElseGet(
                () -> StringParameter.valueForStringParameter(this, broker.imageDigestParameter()));
        String image = getAccount() + ".dkr.ecr." + getRegion() + ".amazonaws.com/" + broker.imageRepository()
                + "@" + digest;
        manifests = new BrokerManifests(image, broker, props.nlbName(), props.envName(), props.vpcCidr());

        // Namespace first, in its own manifest, so the namespaced objects never race its creation.
        KubernetesManifest namespace = KubernetesManifest.Builder.create(this, "Namespace")
                .cluster(props.cluster())
                .manifest(List.of(manifests.namespace()))
                .build();
        KubernetesManifest workload = KubernetesManifest.Builder.create(this, "Broker")
                .cluster(props.cluster())
                .manifest(List.of(manifests.serviceAccount(), manifests.discoveryService(), manifests.nlbService(),
                        manifests.networkPolicy(), manifests.statefulSet(), manifests.podDisruptionBudget()))
                .build();
        workload.getNode().addDependency(namespace);
        // The pods mount Secrets synced from AWS Secrets Manager: they exist before the first pod starts.
        BrokerSecrets secrets = new BrokerSecrets(this, "Secrets", props.cluster(), props.envName(), namespace);
        workload.getNode().addDependency(secrets.externalSecrets());

        KubernetesObjectValue address = KubernetesObjectValue.Builder.create(this, "NlbAddress")
                .cluster(props.cluster())
                .objectType("service")
                .objectNamespace(BrokerWorkload.NAMESPACE)
                .objectName(BrokerWorkload.NLB_SERVICE)
                .jsonPath(".status.loadBalancer.ingress[0].hostname")
                // The controller provisions the NLB asynchronously; give it time.
                .timeout(Duration.minutes(10))
                .build();
        address.getNode().addDependency(workload);
        endpoint = address.getValue();
        endpointOutput = CfnOutput.Builder.create(this, "BrokerEndpoint")
                .description("DNS name devices connect to: MQTT over TLS with a client certificate on 8883")
                .value(endpoint)
                .build();
    }

    public BrokerManifests manifests() {
        return manifests;
    }

    /** The output holding the NLB's DNS name: the pipeline's bench gate reads it ({@code envFromCfnOutputs}). */
    public CfnOutput endpointOutput() {
        return endpointOutput;
    }

    /** The NLB's DNS name (a deploy-time token). */
    public String endpoint() {
        return endpoint;
    }
}
