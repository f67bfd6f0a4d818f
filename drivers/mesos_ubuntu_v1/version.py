version = "1.0.0"
driver = "mesos_ubuntu_v1"
container_version = "1.9.1"
