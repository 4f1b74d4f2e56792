package io.fleetmq.cdk.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awscdk.assertions.Template;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small readers over a synthesized template's JSON, for assertions that need to follow references. */
public final class Cfn {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Cfn() {
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Map<String, Object>> resources(Template t, String type) {
        Map<String, Object> all = (Map<String, Object>) ((Map<String, Object>) t.toJSON()).get("Resources");
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        all.forEach((id, r) -> {
            Map<String, Object> res = (Map<String, Object>) r;
            if (type.equals(res.get("Type"))) {
                out.put(id, (Map<String, Object>) res.get("Properties"));
            }
        });
        return out;
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Map<String, Object>> parameters(Template t) {
        Object p = ((Map<String, Object>) t.toJSON()).get("Parameters");
        return p == null ? Map.of() : (Map<String, Map<String, Object>>) p;
    }

    @SuppressWarnings("unchecked")
    public static <T> T at(Object node, String... path) {
        Object cur = node;
        for (String key : path) {
            if (cur instanceof Map<?, ?> m) {
                cur = m.get(key);
            } else if (cur instanceof List<?> l) {
                cur = l.get(Integer.parseInt(key));
            } else {
                throw new AssertionError("no " + String.join(".", path) + " in " + node);
            }
        }
        return (T) cur;
    }

    /** A CodePipeline stage: name and actions sorted by run order. */
    public record Stage(String name, List<Map<String, Object>> actions) {
        public Map<String, Object> action(String actionName) {
            return actions.stream().filter(a -> actionName.equals(a.get("Name"))).findFirst()
                    .orElseThrow(() -> new AssertionError("no action " + actionName + " in stage " + name));
        }

        public static int runOrder(Map<String, Object> action) {
            return ((Number) action.get("RunOrder")).intValue();
        }
    }

    @SuppressWarnings("unchecked")
    public static List<Stage> pipelineStages(Template t) {
        Map<String, Object> pipeline = resources(t, "AWS::CodePipeline::Pipeline").values().iterator().next();
        List<Stage> stages = new ArrayList<>();
        for (Object s : (List<Object>) pipeline.get("Stages")) {
            Map<String, Object> stage = (Map<String, Object>) s;
            List<Map<String, Object>> actions = new ArrayList<>((List<Map<String, Object>>) stage.get("Actions"));
            actions.sort(Comparator.comparingInt(Stage::runOrder));
            stages.add(new Stage((String) stage.get("Name"), actions));
        }
        return stages;
    }

    /** The buildspec of a CodeBuild project, parsed (CDK renders it as a JSON string). */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> buildspec(Map<String, Object> project) {
        Object bs = at(project, "Source", "BuildSpec");
        if (!(bs instanceof String s)) {
            throw new AssertionError("BuildSpec is not inline: " + bs);
        }
        try {
            return JSON.readValue(s, Map.class);
        } catch (IOException e) {
            throw new AssertionError("BuildSpec is not JSON: " + s, e);
        }
    }

    /** Project environment variables as name -> value (values may be tokens, i.e. maps). */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> projectEnv(Map<String, Object> project) {
        Map<String, Object> out = new LinkedHashMap<>();
        List<Map<String, Object>> vars = at(project, "Environment", "EnvironmentVariables");
        if (vars != null) {
            vars.forEach(v -> out.put((String) v.get("Name"), v.get("Value")));
        }
        return out;
    }

    /** Action-level environment variables (pipeline variables) as name -> value. */
    public static Map<String, Object> actionEnv(Map<String, Object> action) {
        Map<String, Object> out = new LinkedHashMap<>();
        String json = at(action, "Configuration", "EnvironmentVariables");
        if (json == null) {
            return out;
        }
        try {
            List<Map<String, Object>> vars = JSON.readValue(json, List.class);
            vars.forEach(v -> out.put((String) v.get("name"), v.get("value")));
        } catch (IOException e) {
            throw new AssertionError(json, e);
        }
        return out;
    }
}
