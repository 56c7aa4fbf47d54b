{{/* Value checks the JSON schema cannot express; each failure names the value and what is allowed. */}}

{{/*
Fails the render when the values are inconsistent; include it once from every service chart.
Usage: {{ include "mesh-service.validate.values" . }}
*/}}
{{- define "mesh-service.validate.values" -}}
{{- $service := include "mesh-service.names.service" . -}}
{{- $catalog := (include "mesh-service.catalog.services" . | fromJson).services -}}
{{- if not (hasKey $catalog $service) -}}
{{- fail (printf "mesh-service: chart %q is not a service in services/catalog.json (known: %s)" $service (keys $catalog | sortAlpha | join ", ")) -}}
{{- end -}}
{{- if ne .Release.Namespace $service -}}
{{- fail (printf "mesh-service: %s must be installed into namespace %q (got %q): policies name callers by namespace" $service $service .Release.Namespace) -}}
{{- end -}}
{{- include "mesh-service.validate.replicas" (dict "name" "stable.replicas" "value" .Values.stable.replicas) -}}
{{- include "mesh-service.validate.replicas" (dict "name" "canary.replicas" "value" .Values.canary.replicas) -}}
{{- include "mesh-service.validate.weights" . -}}
{{- if not .Values.stable.image.tag -}}
{{- fail "mesh-service: stable.image.tag is required: pass the image tag to deploy, e.g. meshctl deploy <service> --tag 3f9c2a1b7d4e (which sets it), or helm --set-string stable.image.tag=3f9c2a1b7d4e. The charts have no default: the tag is the pods' version label, and a moving tag such as latest would make versions in Kiali and rollbacks meaningless" -}}
{{- end -}}
{{- if and .Values.canary.enabled (not .Values.canary.image.tag) -}}
{{- fail "mesh-service: canary.enabled=true needs canary.image.tag (the image under test)" -}}
{{- end -}}
{{- range $track := ternary (list "stable" "canary") (list "stable") .Values.canary.enabled -}}
{{- include "mesh-service.validate.imageTag" (dict "context" $ "track" $track) -}}
{{- include "mesh-service.validate.trackHasPods" (dict "context" $ "track" $track) -}}
{{- include "mesh-service.validate.disruptionBudget" (dict "context" $ "track" $track) -}}
{{- end -}}
{{- if .Values.autoscaling.enabled -}}
{{- if gt (int .Values.autoscaling.minReplicas) (int .Values.autoscaling.maxReplicas) -}}
{{- fail (printf "mesh-service: autoscaling.minReplicas (%v) must not exceed autoscaling.maxReplicas (%v)" .Values.autoscaling.minReplicas .Values.autoscaling.maxReplicas) -}}
{{- end -}}
{{- end -}}
{{- if and (eq (dig "storage" "kind" "" .Values.AsMap) "postgres") (not .Values.existingSecret) -}}
{{- fail "mesh-service: storage.kind=postgres needs existingSecret (a Secret holding DATABASE_URL)" -}}
{{- end -}}
{{- include "mesh-service.validate.sqlitePods" . -}}
{{- include "mesh-service.validate.serviceMonitor" . -}}
{{- include "mesh-service.validate.operatorCredentials" . -}}
{{- include "mesh-service.validate.shutdownTimeout" . -}}
{{- include "mesh-service.validate.deliveryTimeout" . -}}
{{- include "mesh-service.validate.chartOwnedEnv" . -}}
{{- include "mesh-service.validate.portConnectionPools" . -}}
{{- end -}}

{{/*
A replica count must not be negative.
Usage: {{ include "mesh-service.validate.replicas" (dict "name" "stable.replicas" "value" 2) }}
*/}}
{{- define "mesh-service.validate.replicas" -}}
{{- if lt (float64 .value) 0.0 -}}
{{- fail (printf "mesh-service: %s must be >= 0 (got %v)" .name .value) -}}
{{- end -}}
{{- end -}}

{{/*
traffic.stable and traffic.canary must each be 0-100 and add up to 100 (checked even
with canary off, where the VirtualService sends everything to stable).
Usage: {{ include "mesh-service.validate.weights" . }}
*/}}
{{- define "mesh-service.validate.weights" -}}
{{- $stable := .Values.traffic.stable -}}
{{- $canary := .Values.traffic.canary -}}
{{- range $name, $weight := dict "traffic.stable" $stable "traffic.canary" $canary -}}
{{- if or (lt (float64 $weight) 0.0) (gt (float64 $weight) 100.0) -}}
{{- fail (printf "mesh-service: %s must be between 0 and 100 (got %v)" $name $weight) -}}
{{- end -}}
{{- end -}}
{{- if ne (add (int $stable) (int $canary)) 100 -}}
{{- fail (printf "mesh-service: traffic.stable + traffic.canary must be 100 (got %v + %v)" $stable $canary) -}}
{{- end -}}
{{- end -}}

{{/*
A track's image tag becomes its pods' `version` label, so it must be a valid label value (the schema
says the same; this backs it up and explains why).
Usage: {{ include "mesh-service.validate.imageTag" (dict "context" $ "track" "stable") }}
*/}}
{{- define "mesh-service.validate.imageTag" -}}
{{- $tag := include "mesh-service.deployment.imageTag" . -}}
{{- if not (regexMatch "^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$" $tag) -}}
{{- fail (printf "mesh-service: %s.image.tag %q is not a valid Kubernetes label value (it becomes the pods' version label): 1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit" .track $tag) -}}
{{- else if eq (lower $tag) "latest" -}}
{{- fail (printf "mesh-service: %s.image.tag %q is a moving tag: the pods' version label would name no version, and canary analysis could not tell releases apart; deploy an immutable tag" .track $tag) -}}
{{- end -}}
{{- end -}}

{{/*
A track that gets requests needs pods: the weighted routes' share, and for an enabled canary also every
request with `x-canary: always` (its header routes exist whatever the weights, where
mesh-service.virtualservice.canaryHeader renders them). With autoscaling off a track can be scaled to 0
(with autoscaling its HPA keeps at least 1).
Usage: {{ include "mesh-service.validate.trackHasPods" (dict "context" $ "track" "canary") }}
*/}}
{{- define "mesh-service.validate.trackHasPods" -}}
{{- $weight := include "mesh-service.virtualservice.trackWeight" . | int -}}
{{- $pods := include "mesh-service.deployment.minReplicas" . | int -}}
{{- $header := include "mesh-service.virtualservice.canaryHeader" .context | fromJson -}}
{{- $headerRouted := and (eq .track "canary") (or $header.mesh $header.ingress) -}}
{{- if and (eq $pods 0) (gt $weight 0) -}}
{{- fail (printf "mesh-service: %s.replicas=0 with autoscaling.enabled=false, but the %s track gets %d%% of requests; give it replicas or move its traffic away" .track .track $weight) -}}
{{- else if and (eq $pods 0) $headerRouted -}}
{{- fail "mesh-service: canary.replicas=0 with autoscaling.enabled=false, but canary.enabled=true routes every request with x-canary: always to the canary, which would answer 503 no healthy upstream; give it replicas or set canary.enabled=false" -}}
{{- end -}}
{{- end -}}

{{/*
podDisruptionBudget.minAvailable must leave a stable pod evictable: at or above the track's pods none could
ever be evicted and node drains would hang. The canary may equal its pods (a 1-pod canary holds a drain
until it is promoted or rolled back, see ../../README.md) but not exceed them. A percentage is checked as
the count Kubernetes makes of it, rounded up (50% of 1 pod is 1), of the track's fewest pods (replicas, or
the HPA minimum); a track without pods has nothing to protect.
Usage: {{ include "mesh-service.validate.disruptionBudget" (dict "context" $ "track" "stable") }}
*/}}
{{- define "mesh-service.validate.disruptionBudget" -}}
{{- $minAvailable := .context.Values.podDisruptionBudget.minAvailable -}}
{{- $pods := include "mesh-service.deployment.minReplicas" . | int -}}
{{- $percent := and (kindIs "string" $minAvailable) (regexMatch "^[0-9]+%$" (toString $minAvailable)) -}}
{{- if and (gt $pods 0) (or $percent (not (kindIs "string" $minAvailable))) -}}
{{- $source := ternary "autoscaling.minReplicas" (printf "%s.replicas" .track) (and .context.Values.autoscaling.enabled (eq .track "stable")) -}}
{{- $kept := 0 -}}
{{- $value := printf "%v" $minAvailable -}}
{{- $lower := printf "lower it below %d or add pods" $pods -}}
{{- if $percent -}}
{{- $kept = div (add (mul (atoi (trimSuffix "%" $minAvailable)) $pods) 99) 100 | int -}}
{{- $value = printf "%s (%d pod(s): Kubernetes rounds a percentage up)" $minAvailable $kept -}}
{{- $most := div (mul 100 (sub $pods 1)) $pods -}}
{{- $lower = ternary "lower it to 0% or add pods" (printf "lower it to %d%% or less, or add pods" $most) (eq $most 0) -}}
{{- else -}}
{{- $kept = int $minAvailable -}}
{{- end -}}
{{- if gt $kept $pods -}}
{{- fail (printf "mesh-service: podDisruptionBudget.minAvailable=%s exceeds the %d pod(s) of the %s track (%s), so none could ever be evicted; lower it" $value $pods .track $source) -}}
{{- else if and (eq $kept $pods) (eq .track "stable") -}}
{{- fail (printf "mesh-service: podDisruptionBudget.minAvailable=%s equals the %d pod(s) of the stable track (%s), so none could ever be evicted and node drains would hang; %s" $value $pods $source $lower) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
storage.kind=sqlite keeps a database in each pod (on its emptyDir), so the release may run one pod at a
time: with more (replicas, an HPA, a canary) each answers from its own data, and what one pod wrote the
others never see. storage.allowDatabasePerPod=true accepts that for a throwaway trial.
Usage: {{ include "mesh-service.validate.sqlitePods" . }}
*/}}
{{- define "mesh-service.validate.sqlitePods" -}}
{{- if and (include "mesh-service.storage.sqlite" .) (not (dig "storage" "allowDatabasePerPod" false .Values.AsMap)) -}}
{{- $pods := include "mesh-service.storage.podsAtOnce" . | int -}}
{{- if gt $pods 1 -}}
{{- $why := list -}}
{{- if .Values.autoscaling.enabled -}}
{{- $why = append $why (printf "autoscaling.maxReplicas=%v" .Values.autoscaling.maxReplicas) -}}
{{- else if gt (int .Values.stable.replicas) 1 -}}
{{- $why = append $why (printf "stable.replicas=%v" .Values.stable.replicas) -}}
{{- end -}}
{{- if .Values.canary.enabled -}}
{{- $why = append $why "canary.enabled=true" -}}
{{- end -}}
{{- fail (printf "mesh-service: storage.kind=sqlite keeps a separate database in each pod, but this release can run %d pods (%s), each answering from its own data. Use PostgreSQL (storage.kind=postgres and existingSecret with DATABASE_URL, see docs/deployment-guide.md), or one pod (autoscaling.enabled=false, stable.replicas=1, no canary); storage.allowDatabasePerPod=true accepts separate databases for a throwaway trial" $pods (join ", " $why)) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
A ServiceMonitor scrapes the admin port through the mesh, which the deny-all policy closes unless
metrics.scraperPrincipals names the scraper; without one every target would stay down. Annotation
scraping (Istio metrics merging) needs neither.
Usage: {{ include "mesh-service.validate.serviceMonitor" . }}
*/}}
{{- define "mesh-service.validate.serviceMonitor" -}}
{{- if and .Values.metrics.serviceMonitor.enabled (not .Values.metrics.scraperPrincipals) -}}
{{- fail "mesh-service: metrics.serviceMonitor.enabled=true needs metrics.scraperPrincipals (the identity of a Prometheus that has Istio certificates, see helm/README.md \"Metrics\"): STRICT mTLS and the deny-all policy refuse any other scraper. The prometheus.io annotations (Istio metrics merging) need neither" -}}
{{- end -}}
{{- end -}}

{{/*
The edge gateway refuses to start without OPERATOR_TOKEN or OPERATOR_JWT_SECRET. They are secrets, so they
come from existingSecret (edge-gateway-env by default); emptied, with neither in env, the pods would only
crash-loop.
Usage: {{ include "mesh-service.validate.operatorCredentials" . }}
*/}}
{{- define "mesh-service.validate.operatorCredentials" -}}
{{- $env := .Values.env | default dict -}}
{{- if and (eq (include "mesh-service.names.service" .) "edge-gateway") (not (or .Values.existingSecret $env.OPERATOR_TOKEN $env.OPERATOR_JWT_SECRET)) -}}
{{- fail "mesh-service: edge-gateway needs existingSecret, the Secret holding OPERATOR_TOKEN or OPERATOR_JWT_SECRET (the chart's default is edge-gateway-env, see docs/deployment-guide.md): without either the gateway refuses to start" -}}
{{- end -}}
{{- end -}}

{{/*
notification refuses to start unless one delivery attempt (DELIVERY_TIMEOUT_MS, 5000 unless env sets it, as
in services/notification/src/config.ts) ends within the shutdown drain (the SHUTDOWN_TIMEOUT_MS it gets,
mesh-service.configmap.shutdownTimeout). A DELIVERY_TIMEOUT_MS that is not a whole number is left to the
service's own check.
Usage: {{ include "mesh-service.validate.deliveryTimeout" . }}
*/}}
{{- define "mesh-service.validate.deliveryTimeout" -}}
{{- if eq (include "mesh-service.names.service" .) "notification" -}}
{{- $env := .Values.env | default dict -}}
{{- $deliveryFrom := ternary "env.DELIVERY_TIMEOUT_MS" "the service's default" (hasKey $env "DELIVERY_TIMEOUT_MS") -}}
{{- $shutdown := include "mesh-service.configmap.shutdownTimeout" . | fromJson -}}
{{- $delivery := include "mesh-service.validate.millis" (ternary (get $env "DELIVERY_TIMEOUT_MS") 5000 (hasKey $env "DELIVERY_TIMEOUT_MS")) -}}
{{- if and $delivery $shutdown.ms (ge (atoi $delivery) (atoi $shutdown.ms)) -}}
{{- fail (printf "mesh-service: DELIVERY_TIMEOUT_MS (%s, %s) must be below SHUTDOWN_TIMEOUT_MS (%s, %s), or notification refuses to start: a delivery attempt running at SIGTERM must end within the drain. Raise %s (the grace period and the proxy's drain follow it) or lower env.DELIVERY_TIMEOUT_MS" $delivery $deliveryFrom $shutdown.ms $shutdown.from $shutdown.from) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
The grace period and the proxy's drain are computed from the SHUTDOWN_TIMEOUT_MS the app gets, so it must be
a whole number of milliseconds (the service refuses anything else too).
Usage: {{ include "mesh-service.validate.shutdownTimeout" . }}
*/}}
{{- define "mesh-service.validate.shutdownTimeout" -}}
{{- $shutdown := include "mesh-service.configmap.shutdownTimeout" . | fromJson -}}
{{- if not $shutdown.ms -}}
{{- fail (printf "mesh-service: %s must be a whole number of milliseconds (got %v): the pods' grace period and the proxy's drain are computed from it" $shutdown.from (ternary (dig "env" "SHUTDOWN_TIMEOUT_MS" "" .Values.AsMap) .Values.shutdown.timeoutMs (eq $shutdown.from "env.SHUTDOWN_TIMEOUT_MS"))) -}}
{{- end -}}
{{- end -}}

{{/*
env may not set a variable the chart sets itself (mesh-service.configmap.chartOwned): the app would follow
env while ports, probes, policies, egress and volumes kept following the chart. The message names the value
to set instead. The values schema refuses the same names; this backs it up and says why.
Usage: {{ include "mesh-service.validate.chartOwnedEnv" . }}
*/}}
{{- define "mesh-service.validate.chartOwnedEnv" -}}
{{- $owned := include "mesh-service.configmap.chartOwned" . | fromJson -}}
{{- range $name := keys (.Values.env | default dict) | sortAlpha -}}
{{- if hasKey $owned $name -}}
{{- fail (printf "mesh-service: env.%s is the chart's to set, and other objects follow the chart's value, not env's: remove it; %s" $name (get $owned $name)) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
trafficPolicy.portConnectionPools names ports by their role in services/catalog.json; rest exists only on
a service with a REST port.
Usage: {{ include "mesh-service.validate.portConnectionPools" . }}
*/}}
{{- define "mesh-service.validate.portConnectionPools" -}}
{{- $ports := include "mesh-service.destinationrule.portsByRole" . | fromJson -}}
{{- range $role := keys (dig "trafficPolicy" "portConnectionPools" dict .Values.AsMap) | sortAlpha -}}
{{- if not (hasKey $ports $role) -}}
{{- fail (printf "mesh-service: trafficPolicy.portConnectionPools.%s: %s has no %s port (its ports: %s)" $role (include "mesh-service.names.service" $) $role (keys $ports | sortAlpha | join ", ")) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
A millisecond value (a number, or a string of digits, as env holds them) as digits; "" for anything else.
Usage: {{ include "mesh-service.validate.millis" .Values.shutdown.timeoutMs }}
*/}}
{{- define "mesh-service.validate.millis" -}}
{{- if kindIs "string" . -}}
{{- if regexMatch "^[0-9]+$" . }}{{ . }}{{ end -}}
{{- else if or (kindIs "float64" .) (kindIs "int64" .) (kindIs "int" .) -}}
{{- int64 . -}}
{{- end -}}
{{- end -}}
