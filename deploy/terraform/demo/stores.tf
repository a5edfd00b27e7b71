# ---------------------------------------------------------------------------------------------------------------------
# PostgreSQL: the smallest RDS instance, single AZ, no backups kept past the day, nothing that survives destroy.
# The master password is the SSM parameter pg_password (one source for the database and for the tasks that log in).
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_db_subnet_group" "pg" {
  name       = "${local.name}-pg"
  subnet_ids = aws_subnet.public[*].id
  tags       = local.tags
}

resource "aws_db_instance" "pg" {
  identifier     = "${local.name}-pg"
  engine         = "postgres"
  engine_version = var.pg_engine_version
  instance_class = "db.t4g.micro"

  allocated_storage     = 20
  max_allocated_storage = 0 # no storage autoscaling
  storage_type          = "gp3"
  storage_encrypted     = true

  db_name  = var.pg_database
  username = var.pg_username
  password = data.aws_ssm_parameter.pg_password.value
  # manage_master_user_password stays unset (false): a Secrets Manager secret would cost money and need its own
  # plumbing; the password is the SSM parameter the tasks already get.

  db_subnet_group_name   = aws_db_subnet_group.pg.name
  vpc_security_group_ids = [aws_security_group.db.id]
  publicly_accessible    = false
  multi_az               = false

  backup_retention_period      = 0
  skip_final_snapshot          = true
  deletion_protection          = false
  delete_automated_backups     = true
  apply_immediately            = true
  auto_minor_version_upgrade   = true
  performance_insights_enabled = false
  monitoring_interval          = 0

  tags = local.tags

  lifecycle {
    precondition {
      condition     = data.aws_ssm_parameter.pg_password.value != "CHANGE_ME" && length(data.aws_ssm_parameter.pg_password.value) >= 8
      error_message = "Set the SSM parameter pg_password (8 to 128 characters, no / @ \" or space) before creating the database."
    }
  }
}

# ---------------------------------------------------------------------------------------------------------------------
# Redis: one cache.t4g.micro node (about 0.016 USD an hour in eu-west-2). ElastiCache Serverless bills at least 1 GB of
# data storage (about 0.125 USD per GB-hour) plus ECPUs, several times a micro node for a few hours of demo. The node
# is a one-node replication group rather than an aws_elasticache_cluster because only a replication group takes an AUTH
# token, with in-transit encryption (rediss://).
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_elasticache_subnet_group" "redis" {
  name       = "${local.name}-redis"
  subnet_ids = aws_subnet.public[*].id
  tags       = local.tags
}

resource "aws_elasticache_replication_group" "redis" {
  replication_group_id = "${local.name}-redis"
  description          = "fraud-platform join plane (demo)"
  engine               = "redis"
  engine_version       = var.redis_engine_version
  node_type            = "cache.t4g.micro"
  num_cache_clusters   = 1
  port                 = 6379

  automatic_failover_enabled = false
  multi_az_enabled           = false
  subnet_group_name          = aws_elasticache_subnet_group.redis.name
  security_group_ids         = [aws_security_group.redis.id]

  transit_encryption_enabled = true
  at_rest_encryption_enabled = true
  auth_token                 = data.aws_ssm_parameter.redis_password.value

  snapshot_retention_limit = 0
  apply_immediately        = true

  tags = local.tags

  lifecycle {
    precondition {
      condition     = data.aws_ssm_parameter.redis_password.value != "CHANGE_ME" && length(data.aws_ssm_parameter.redis_password.value) >= 16
      error_message = "Set the SSM parameter redis_password (16 to 128 printable characters, no @ \" or /) before creating Redis."
    }
  }
}

# ---------------------------------------------------------------------------------------------------------------------
# Kafka: Confluent Cloud (no AWS resource) by default, or MSK Serverless with IAM auth. The cluster's name is the one the
# task roles' kafka-cluster grants are scoped to (core's msk_cluster_name output).
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_msk_serverless_cluster" "kafka" {
  count = var.kafka_choice == "msk_serverless" ? 1 : 0

  cluster_name = local.core.msk_cluster_name

  vpc_config {
    subnet_ids         = aws_subnet.public[*].id
    security_group_ids = [aws_security_group.kafka[0].id]
  }

  client_authentication {
    sasl {
      iam {
        enabled = true
      }
    }
  }

  tags = local.tags
}

data "aws_msk_bootstrap_brokers" "kafka" {
  count = local.use_msk ? 1 : 0

  cluster_arn = aws_msk_serverless_cluster.kafka[0].arn
}

locals {
  kafka_bootstrap = local.use_msk ? data.aws_msk_bootstrap_brokers.kafka[0].bootstrap_brokers_sasl_iam : var.confluent_bootstrap

  # Never a password in a URL: the user is named, the password comes from FP_PG_PASSWORD.
  pg_url    = "jdbc:postgresql://${aws_db_instance.pg.address}:${aws_db_instance.pg.port}/${var.pg_database}?user=${var.pg_username}&sslmode=require"
  redis_url = "rediss://${aws_elasticache_replication_group.redis.primary_endpoint_address}:6379"
}
