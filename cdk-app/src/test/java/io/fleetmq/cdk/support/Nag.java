package io.fleetmq.cdk.support;

import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.cxapi.SynthesisMessage;

import java.util.List;

/** cdk-nag findings as {@link Annotations} reports them on a synthesized stack. */
public final class Nag {

    private Nag() {
    }

    // Annotations.findError still returns cxapi.SynthesisMessage, deprecated with no replacement in assertions yet.
    @SuppressWarnings("deprecation")
    public static List<String> errors(Stack stack) {
        List<SynthesisMessage> messages = Annotations.fromStack(stack).findError("*", Match.anyValue());
        return messages.stream().map(m -> m.getId() + ": " + m.getEntry().getData()).toList();
    }
}
