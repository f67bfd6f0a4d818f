version = "2.0.0"
driver = "swarm_fedora_atomic_v2"
container_version = "1.12.6"
