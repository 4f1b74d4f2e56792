package io.fleetmq.cdk.pipeline;

import io.fleetmq.cdk.contract.SsmParameters;
import io.fleetmq.cdk.support.Cfn;
import io.fleetmq.cdk.support.PipelineSynth;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;

import java.util.List;
import java.util.Map;

import static io.fleetmq.cdk.support.Cfn.Stage.runOrder;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Promotion order and automatic rollback: an environment's release record is written by its own Release step, after
 * every deploy of the stage (and, in dev, after the bench gate), never by the promote step before the deploy; and a
 * failed environment stage rolls back by itself (CodePipeline V2 stage rollback).
 */
class ReleaseAndRollbackTest {

    private final PipelineSynth s = PipelineSynth.get();
    private final Template t = s.template(s.stacks.pipeline());

    private Cfn.Stage stage(String name) {
        return Cfn.pipelineStages(t).stream().filter(st -> st.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void theReleaseRecordIsWrittenLastInEachEnvironmentStageAfterEveryDeployAndTheGate() {
        for (String env : List.of(s.dev.name(), s.prod.name())) {
            List<Map<String, Object>> actions = stage(env).actions();
            Map<String, Object> release = actions.get(actions.size() - 1);
            assertThat(release.get("Name")).as(env).isEqualTo("Release-" + env);
            for (Map<String, Object> a : actions.subList(0, actions.size() - 1)) {
                assertThat(runOrder(a)).as(env + ": " + a.get("Name")).isLessThan(runOrder(release));
            }
        }
        Map<String, Object> gate = stage(s.dev.name()).action("BenchGate");
        assertThat(runOrder(gate)).isLessThan(runOrder(stage(s.dev.name()).action("Release-" + s.dev.name())));
    }

    @Test
    void onlyTheReleaseStepNamesTheReleaseRecordAndThePromoteStepOnlyTheDeployInputs() {
        List<Object> recorded = new java.util.ArrayList<>();
        for (Map<String, Object> project : Cfn.resources(t, "AWS::CodeBuild::Project").values()) {
            Map<String, Object> env = Cfn.projectEnv(project);
            if (env.containsKey("DIGEST_PARAMETER")) {
                assertThat(env.values().toString()).as("a promote step").doesNotContain("/release/");
            }
            if (env.containsKey("ENV_RELEASE_DIGEST_PARAMETER")) {
                recorded.add(env.get("ENV_RELEASE_DIGEST_PARAMETER"));
                assertThat(env.get("ENV_RELEASE_AMI_PARAMETER")).isEqualTo(((String) env
                        .get("ENV_RELEASE_DIGEST_PARAMETER")).replace("image-digest", "eks-node-ami"));
            }
        }
        assertThat(recorded).containsExactlyInAnyOrder(SsmParameters.environmentReleaseImageDigest(s.dev.name()),
                SsmParameters.environmentReleaseImageDigest(s.prod.name()));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aFailedEnvironmentStageRollsBackByItselfInAV2Pipeline() {
        Map<String, Object> pipeline = Cfn.resources(t, "AWS::CodePipeline::Pipeline").values().iterator().next();
        assertThat(pipeline.get("PipelineType")).isEqualTo("V2");
        for (Object o : (List<Object>) pipeline.get("Stages")) {
            Map<String, Object> st = (Map<String, Object>) o;
            boolean environment = List.of(s.dev.name(), s.prod.name()).contains(st.get("Name"));
            assertThat(st.get("OnFailure")).as((String) st.get("Name"))
                    .isEqualTo(environment ? Map.of("Result", "ROLLBACK") : null);
        }
    }

    @Test
    void theReleaseRoleMayWriteTheRecordAndGrantAutoScalingUseOfTheAmiKeyButNothingMore() {
        for (ReleaseAccessStack access : s.stacks.releaseAccess()) {
            String policy = Cfn.resources(s.template(access), "AWS::IAM::Role").values().toString();
            assertThat(policy).contains("/release/image-digest", "/release/eks-node-ami", "kms:CreateGrant",
                    PipelineNames.AMI_KEY_ALIAS, "AWSServiceRoleForAutoScaling");
            assertThat(policy).doesNotContain("kms:Decrypt").doesNotContain("ssm:DeleteParameter");
        }
    }
}
