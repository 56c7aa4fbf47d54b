{{/* The Deployment of one track (stable or canary): hardened pod, native gRPC probes, graceful shutdown. */}}

{{/*
Image tag of a track (stable.image.tag or canary.image.tag).
Usage: {{ include "mesh-service.deployment.imageTag" (dict "context" $ "track" "stable") }}
*/}}
{{- define "mesh-service.deployment.imageTag" -}}
{{- (get .context.Values .track).image.tag | toString -}}
{{- end -}}

{{/*
The fewest pods a track runs: its fixed replicas, or with autoscaling its HPA's minimum (the canary's
HPA starts at canary.replicas, at least 1).
Usage: {{ include "mesh-service.deployment.minReplicas" (dict "context" $ "track" "canary") | int }}
*/}}
{{- define "mesh-service.deployment.minReplicas" -}}
{{- $values := .context.Values -}}
{{- $replicas := int (get $values .track).replicas -}}
{{- if not $values.autoscaling.enabled -}}
{{- $replicas -}}
{{- else if eq .track "canary" -}}
{{- max 1 $replicas -}}
{{- else -}}
{{- int $values.autoscaling.minReplicas -}}
{{- end -}}
{{- end -}}

{{/*
The most pods a track can run: its fixed replicas, or with autoscaling its HPA's maximum (never below
the HPA's minimum).
Usage: {{ include "mesh-service.deployment.maxReplicas" (dict "context" $ "track" "stable") | int }}
*/}}
{{- define "mesh-service.deployment.maxReplicas" -}}
{{- $values := .context.Values -}}
{{- if $values.autoscaling.enabled -}}
{{- max (include "mesh-service.deployment.minReplicas" . | int) (int $values.autoscaling.maxReplicas) -}}
{{- else -}}
{{- int (get $values .track).replicas -}}
{{- end -}}
{{- end -}}

{{/*
Seconds Kubernetes waits after SIGTERM: the preStop delay, the app's own drain (the SHUTDOWN_TIMEOUT_MS it
gets, env.SHUTDOWN_TIMEOUT_MS included), and a little slack. The proxy drains as long.
Usage: {{ include "mesh-service.deployment.gracePeriodSeconds" . }}
*/}}
{{- define "mesh-service.deployment.gracePeriodSeconds" -}}
{{- $shutdownMs := (include "mesh-service.configmap.shutdownTimeout" . | fromJson).ms | int64 -}}
{{- $drain := div (add $shutdownMs 999) 1000 -}}
{{- add (int .Values.shutdown.preStopDelaySeconds) $drain 5 -}}
{{- end -}}

{{/*
A Deployment `<service>-<track>`.
Usage: {{ include "mesh-service.deployment.render" (dict "context" $ "track" "stable") }}
*/}}
{{- define "mesh-service.deployment.render" -}}
{{- $ctx := .context -}}
{{- $values := $ctx.Values -}}
{{- $track := get $values .track -}}
{{- $entry := include "mesh-service.names.catalogEntry" $ctx | fromJson -}}
{{- $service := include "mesh-service.names.service" $ctx -}}
{{- $grace := include "mesh-service.deployment.gracePeriodSeconds" $ctx -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "mesh-service.names.workload" . }}
  namespace: {{ $ctx.Release.Namespace }}
  labels:
    {{- include "mesh-service.labels.standard" $ctx | nindent 4 }}
    track: {{ .track }}
spec:
  {{- if not $values.autoscaling.enabled }}
  replicas: {{ $track.replicas }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "mesh-service.labels.selector" . | nindent 6 }}
  strategy:
    {{- if include "mesh-service.storage.sqlite" $ctx }}
    # Each pod has its own SQLite database: the old pod stops before the new one starts, so two pods
    # never answer from different data.
    type: Recreate
    {{- else }}
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 1
      maxUnavailable: 0
    {{- end }}
  template:
    metadata:
      labels:
        {{- include "mesh-service.labels.pod" . | nindent 8 }}
      annotations:
        {{- include "mesh-service.servicemonitor.scrapeAnnotations" $ctx | nindent 8 }}
        checksum/config: {{ include "mesh-service.configmap.render" $ctx | sha256sum }}
        # gRPC probes go through the agent on 15020 (not the mTLS-only inbound listener).
        sidecar.istio.io/rewriteAppHTTPProbers: "true"
        # The app starts after the proxy is ready and the proxy drains as long as the app does.
        proxy.istio.io/config: '{"holdApplicationUntilProxyStarts": true, "terminationDrainDuration": "{{ $grace }}s"}'
        {{- with $values.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ $service }}
      # The app never calls the Kubernetes API; the sidecar gets its own token.
      automountServiceAccountToken: false
      terminationGracePeriodSeconds: {{ $grace }}
      securityContext:
        runAsNonRoot: true
        runAsUser: 1000
        runAsGroup: 1000
        fsGroup: 1000
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: {{ $service }}
          image: {{ printf "%s/%s:%s" $values.image.registry $values.image.repository (include "mesh-service.deployment.imageTag" .) | quote }}
          imagePullPolicy: {{ $values.image.pullPolicy }}
          ports:
            {{- include "mesh-service.deployment.containerPorts" $entry | nindent 12 }}
          envFrom:
            - configMapRef:
                name: {{ $service }}
            {{- if $values.existingSecret }}
            - secretRef:
                name: {{ $values.existingSecret }}
            {{- end }}
          env:
            # Traces carry the version and track, so a canary's spans can be told apart.
            - name: OTEL_RESOURCE_ATTRIBUTES
              value: {{ printf "service.version=%s,deployment.track=%s" (include "mesh-service.deployment.imageTag" .) .track | quote }}
          {{- include "mesh-service.deployment.probes" (dict "port" $entry.grpcPort "values" $values) | nindent 10 }}
          lifecycle:
            preStop:
              # Keeps serving while endpoints and Envoy configs drop this pod, before SIGTERM starts the drain.
              exec:
                command: ["sleep", "{{ $values.shutdown.preStopDelaySeconds }}"]
          resources:
            {{- toYaml $values.resources | nindent 12 }}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            runAsNonRoot: true
            capabilities:
              drop: ["ALL"]
            seccompProfile:
              type: RuntimeDefault
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            {{- if include "mesh-service.storage.sqlite" $ctx }}
            - name: data
              mountPath: /data
            {{- end }}
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: 64Mi
        {{- if include "mesh-service.storage.sqlite" $ctx }}
        - name: data
          emptyDir:
            sizeLimit: {{ $values.storage.sqliteSizeLimit | default "1Gi" }}
        {{- end }}
      {{- with $values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $values.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: kubernetes.io/hostname
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
            matchLabels:
              {{- include "mesh-service.labels.selector" . | nindent 14 }}
{{- end -}}

{{/*
Container ports named by protocol, so Istio treats them as gRPC / HTTP.
Usage: {{ include "mesh-service.deployment.containerPorts" $catalogEntry | nindent 12 }}
*/}}
{{- define "mesh-service.deployment.containerPorts" -}}
- name: grpc-api
  containerPort: {{ .grpcPort }}
  protocol: TCP
- name: http-admin
  containerPort: {{ .adminPort }}
  protocol: TCP
{{- if .httpPort }}
- name: http-rest
  containerPort: {{ .httpPort }}
  protocol: TCP
{{- end }}
{{- end -}}

{{/*
Native gRPC probes (grpc.health.v1) on the API port; the sidecar rewrites them to its agent port.
Usage: {{ include "mesh-service.deployment.probes" (dict "port" 50052 "values" .Values) | nindent 10 }}
*/}}
{{- define "mesh-service.deployment.probes" -}}
startupProbe:
  grpc:
    port: {{ .port }}
  periodSeconds: 2
  failureThreshold: 30
readinessProbe:
  grpc:
    port: {{ .port }}
  periodSeconds: 5
  failureThreshold: 2
livenessProbe:
  grpc:
    port: {{ .port }}
  periodSeconds: 10
  timeoutSeconds: 2
  failureThreshold: 3
{{- end -}}
