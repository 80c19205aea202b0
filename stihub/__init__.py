"""STI Hub: a province's platform for science, technology and innovation policy."""
