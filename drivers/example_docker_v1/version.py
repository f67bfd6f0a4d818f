version = "1.0.0"
driver = "example_docker_v1"
container_version = "docker.io (Ubuntu archive)"
