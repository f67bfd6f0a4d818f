version = "1.0.0"
driver = "k8s_coreos_v1"
container_version = "1.11.2"
