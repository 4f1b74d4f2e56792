package io.fleetmq.cdk;

import io.fleetmq.cdk.support.Nag;
import io.fleetmq.cdk.support.Synth;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.sns.Topic;

import static org.assertj.core.api.Assertions.assertThat;

class CdkNagTest {

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyStackPassesAwsSolutionsChecksWithOnlyReasonedSuppressions(String env) {
        Synth s = Synth.of(env);
        for (Stack stack : s.stacks.all()) {
            assertThat(Nag.errors(stack)).as("cdk-nag errors in %s", stack.getStackName()).isEmpty();
        }
    }

    @Test
    void theCheckIsLiveAnUnencryptedTopicIsReported() {
        // Control: the same aspect on a stack with a known finding must report it, or the test above proves nothing.
        App app = new App();
        Stack stack = new Stack(app, "NagControl");
        new Topic(stack, "Plain");
        Aspects.of(stack).add(new AwsSolutionsChecks());
        assertThat(Nag.errors(stack)).anyMatch(e -> e.contains("AwsSolutions-SNS"));
    }
}
