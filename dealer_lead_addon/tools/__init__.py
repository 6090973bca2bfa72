from . import postcommit
